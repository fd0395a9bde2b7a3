// Escaping text from the event log for HTML element content and attribute values.
#pragma once

#include <string>
#include <string_view>

namespace dataflow::report {

// Appends `s` to `out` with & < > " ' escaped, so that text from the log (argv, paths in stage
// names, plans, errors) can never open an element or leave an attribute. ':' is written as
// &#58; too: the page shows a user's "http://..." argument as text, and the file itself then
// never names an http: or https: resource, which the tests check by searching its bytes.
inline void append_escaped(std::string& out, std::string_view s) {
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case ':':
        out += "&#58;";
        break;
      default:
        out += c;
    }
  }
}

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_escaped(out, s);
  return out;
}

}  // namespace dataflow::report
