// Owned<T>: the type a record is stored as once it outlives the pass that produced it.
// Views (std::string_view) into an input buffer become std::string; pairs, tuples, variants
// and the standard containers map element-wise.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace dataflow::detail {

template <class T>
struct OwnedOf {
  using type = T;
};
template <>
struct OwnedOf<std::string_view> {
  using type = std::string;
};
template <>
struct OwnedOf<const char*> {
  using type = std::string;
};
template <class A, class B>
struct OwnedOf<std::pair<A, B>> {
  using type = std::pair<typename OwnedOf<A>::type, typename OwnedOf<B>::type>;
};
template <class... Ts>
struct OwnedOf<std::tuple<Ts...>> {
  using type = std::tuple<typename OwnedOf<Ts>::type...>;
};
template <class T>
struct OwnedOf<std::vector<T>> {
  using type = std::vector<typename OwnedOf<T>::type>;
};

template <class T>
struct OwnedOf<std::optional<T>> {
  using type = std::optional<typename OwnedOf<T>::type>;
};
template <class T, std::size_t N>
struct OwnedOf<std::array<T, N>> {
  using type = std::array<typename OwnedOf<T>::type, N>;
};

template <class T>
struct OwnedOf<std::deque<T>> {
  using type = std::deque<typename OwnedOf<T>::type>;
};
template <class T>
struct OwnedOf<std::list<T>> {
  using type = std::list<typename OwnedOf<T>::type>;
};
template <class K, class V>
struct OwnedOf<std::map<K, V>> {
  using type = std::map<typename OwnedOf<K>::type, typename OwnedOf<V>::type>;
};
template <class K, class V>
struct OwnedOf<std::unordered_map<K, V>> {
  using type = std::unordered_map<typename OwnedOf<K>::type, typename OwnedOf<V>::type>;
};
template <class K>
struct OwnedOf<std::set<K>> {
  using type = std::set<typename OwnedOf<K>::type>;
};
template <class K>
struct OwnedOf<std::unordered_set<K>> {
  using type = std::unordered_set<typename OwnedOf<K>::type>;
};
template <class... Ts>
struct OwnedOf<std::variant<Ts...>> {
  using type = std::variant<typename OwnedOf<Ts>::type...>;
};

template <class T>
using Owned = typename OwnedOf<T>::type;

template <class T>
inline constexpr bool kIsPair = false;
template <class A, class B>
inline constexpr bool kIsPair<std::pair<A, B>> = true;

template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

template <class T>
inline constexpr bool kIsVariant = false;
template <class... Ts>
inline constexpr bool kIsVariant<std::variant<Ts...>> = true;

template <class T>
inline constexpr bool kIsTuple = false;
template <class... Ts>
inline constexpr bool kIsTuple<std::tuple<Ts...>> = true;

}  // namespace dataflow::detail
