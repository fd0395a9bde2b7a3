// ASCII lower case, for the readers' and writers' option names and values (Spark matches
// them in any case).
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace dataflow::frame {

inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace dataflow::frame
