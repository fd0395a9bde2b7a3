// Text helpers for pipelines over lines: split_whitespace(line) is a lazy range of the
// words of a line, as views into it (no allocation), for use with flat_map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

namespace dataflow {

namespace detail {
struct SpaceTable {
  bool space[256] = {};
  constexpr SpaceTable() {
    for (unsigned char c : {' ', '\t', '\n', '\v', '\f', '\r'}) space[c] = true;
  }
};
inline constexpr SpaceTable kSpaceTable{};
}  // namespace detail

// ASCII whitespace as Python's bytes.split() sees it: space, \t, \n, \v, \f, \r.
inline bool is_ascii_space(unsigned char c) { return detail::kSpaceTable.space[c]; }

class WordRange {
 public:
  class iterator {
   public:
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::input_iterator_tag;

    iterator() = default;
    iterator(const char* p, const char* end) : p_(p), end_(end) { advance(); }
    std::string_view operator*() const { return word_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    bool operator==(const iterator& o) const { return word_.data() == o.word_.data(); }

   private:
    void advance() {
      const char* p = p_;
      while (p != end_ && is_ascii_space(static_cast<unsigned char>(*p))) ++p;
      const char* start = p;
      p = word_end(p, end_);
      word_ = start == p ? std::string_view() : std::string_view(start, static_cast<std::size_t>(p - start));
      p_ = p;
    }
    // The first whitespace byte at or after p (or end). Eight bytes at a time: whitespace
    // bytes are all below 0x21, and the lowest byte flagged by the "has a byte below 0x21"
    // test is exact, so only that candidate needs the table.
    static const char* word_end(const char* p, const char* end) {
      constexpr std::uint64_t kOnes = 0x0101010101010101ull;
      constexpr std::uint64_t kHigh = 0x8080808080808080ull;
      while (end - p >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p, 8);
        const std::uint64_t below = (x - kOnes * 0x21) & ~x & kHigh;
        if (below == 0) {
          p += 8;
          continue;
        }
        p += __builtin_ctzll(below) / 8;
        if (is_ascii_space(static_cast<unsigned char>(*p))) return p;
        ++p;  // a control byte that is not whitespace belongs to the word
      }
      while (p != end && !is_ascii_space(static_cast<unsigned char>(*p))) ++p;
      return p;
    }
    const char* p_ = nullptr;
    const char* end_ = nullptr;
    std::string_view word_;
  };

  explicit WordRange(std::string_view text) : text_(text) {}
  iterator begin() const { return iterator(text_.data(), text_.data() + text_.size()); }
  iterator end() const { return iterator(); }

 private:
  std::string_view text_;
};

// The maximal runs of non-whitespace bytes of `text`; every other byte is kept as it is.
inline WordRange split_whitespace(std::string_view text) { return WordRange(text); }

}  // namespace dataflow
