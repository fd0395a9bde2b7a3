// html_escape: every character that could open an element or leave an attribute.
#include "report/html_escape.hpp"

#include <gtest/gtest.h>

namespace dataflow::report {
namespace {

TEST(HtmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(html_escape("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a&b \"q\" 'x'"), "a&amp;b &quot;q&quot; &#39;x&#39;");
  EXPECT_EQ(html_escape("<img src=x onerror=alert(1)>.txt"), "&lt;img src=x onerror=alert(1)&gt;.txt");
}

TEST(HtmlEscape, WritesColonsSoTheFileNamesNoUrl) {
  EXPECT_EQ(html_escape("https://example.org/x"), "https&#58;//example.org/x");
}

TEST(HtmlEscape, PassesPlainTextAndUtf8) {
  EXPECT_EQ(html_escape(""), "");
  EXPECT_EQ(html_escape("/data/caf\xC3\xA9 words.txt"), "/data/caf\xC3\xA9 words.txt");
  std::string out = "x";
  append_escaped(out, "<");
  EXPECT_EQ(out, "x&lt;");
}

}  // namespace
}  // namespace dataflow::report
