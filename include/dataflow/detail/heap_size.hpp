// heap_bytes(x): about how many bytes a value holds on the heap beyond sizeof(x), for the
// memory accounting of hash tables: strings past their inline buffer, vectors' capacity and
// what their elements hold, node-based containers, pairs, tuples and optionals by parts. Other types count nothing.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace dataflow::detail {

template <class T>
std::uint64_t heap_bytes(const T& x);

namespace heap_size {
template <class T>
struct Of {
  static std::uint64_t of(const T&) { return 0; }
};
template <>
struct Of<std::string> {
  static std::uint64_t of(const std::string& s) { return s.capacity() > 15 ? s.capacity() + 1 : 0; }
};
template <class E, class A>
struct Of<std::vector<E, A>> {
  static std::uint64_t of(const std::vector<E, A>& v) {
    std::uint64_t n = v.capacity() * sizeof(E);
    if constexpr (!std::is_trivially_copyable_v<E>) {
      for (const E& e : v) n += heap_bytes(e);
    }
    return n;
  }
};
template <class A, class B>
struct Of<std::pair<A, B>> {
  static std::uint64_t of(const std::pair<A, B>& p) { return heap_bytes(p.first) + heap_bytes(p.second); }
};
template <class... Ts>
struct Of<std::tuple<Ts...>> {
  static std::uint64_t of(const std::tuple<Ts...>& t) {
    return std::apply([](const auto&... e) { return (std::uint64_t{0} + ... + heap_bytes(e)); }, t);
  }
};
template <class E>
struct Of<std::optional<E>> {
  static std::uint64_t of(const std::optional<E>& o) { return o ? heap_bytes(*o) : 0; }
};
// Node-based containers: each element in a node of its own (about two pointers and the
// allocator's header beside it), plus what the elements hold; unordered ones their buckets.
template <class C>
std::uint64_t node_container_bytes(const C& c) {
  std::uint64_t n = c.size() * (sizeof(typename C::value_type) + 32);
  if constexpr (requires { c.bucket_count(); }) n += c.bucket_count() * sizeof(void*);
  if constexpr (!std::is_trivially_copyable_v<typename C::value_type>) {
    for (const auto& e : c) n += heap_bytes(e);
  }
  return n;
}
template <class T, class A>
struct Of<std::list<T, A>> {
  static std::uint64_t of(const std::list<T, A>& c) { return node_container_bytes(c); }
};
template <class T, class A>
struct Of<std::deque<T, A>> {  // blocks of elements, counted as if nodes
  static std::uint64_t of(const std::deque<T, A>& c) { return node_container_bytes(c); }
};
template <class K, class V, class L, class A>
struct Of<std::map<K, V, L, A>> {
  static std::uint64_t of(const std::map<K, V, L, A>& c) { return node_container_bytes(c); }
};
template <class K, class L, class A>
struct Of<std::set<K, L, A>> {
  static std::uint64_t of(const std::set<K, L, A>& c) { return node_container_bytes(c); }
};
template <class K, class V, class H, class E, class A>
struct Of<std::unordered_map<K, V, H, E, A>> {
  static std::uint64_t of(const std::unordered_map<K, V, H, E, A>& c) { return node_container_bytes(c); }
};
template <class K, class H, class E, class A>
struct Of<std::unordered_set<K, H, E, A>> {
  static std::uint64_t of(const std::unordered_set<K, H, E, A>& c) { return node_container_bytes(c); }
};
}  // namespace heap_size

template <class T>
std::uint64_t heap_bytes(const T& x) {
  if constexpr (std::is_same_v<T, std::string_view>) {  // a key that becomes a std::string
    return x.size() > 15 ? x.size() + 1 : 0;
  } else if constexpr (std::is_trivially_copyable_v<T>) {
    return 0;
  } else {
    return heap_size::Of<T>::of(x);
  }
}

}  // namespace dataflow::detail
