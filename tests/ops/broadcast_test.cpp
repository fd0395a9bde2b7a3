// Broadcast variables: a value that only the driver has reaches every task on every rank,
// whatever the other ranks passed; a large one arrives whole; destroy() frees it and a task
// that reads it afterwards fails the job with exit code 70.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "session_fixture.hpp"

namespace {

std::vector<std::pair<std::int64_t, std::string>> names() {
  std::vector<std::pair<std::int64_t, std::string>> v;
  for (std::int64_t i = 0; i < 50; ++i) v.emplace_back(i * i, "name-" + std::to_string(i));
  return v;
}

TEST(Broadcast, AValueOnlyTheDriverHasReachesEveryTask) {
  const auto all = names();
  // As if rank 0 alone had read it from a file: the others pass nothing.
  auto b = test_session->broadcast(test_session->is_driver() ? all : decltype(all){});
  EXPECT_EQ(b.value(), all) << "rank " << test_session->rank();
  const auto got = test_session->range(0, 2000, 1, 7)
                       .map([b](std::int64_t i) {
                         const auto& table = b.value();
                         const auto& [square, name] = table[static_cast<std::size_t>(i) % table.size()];
                         return name + ":" + std::to_string(square);
                       })
                       .collect();
  ASSERT_EQ(got.size(), 2000u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& [square, name] = all[i % all.size()];
    ASSERT_EQ(got[i], name + ":" + std::to_string(square)) << "record " << i;
  }
}

TEST(Broadcast, ALargeValueArrivesWhole) {
  std::vector<double> big;
  if (test_session->is_driver()) {
    for (int i = 0; i < 400000; ++i) big.push_back(i * 0.5);  // 3.2 MB
  }
  auto b = test_session->broadcast(big);
  ASSERT_EQ(b.value().size(), 400000u);
  const double sum = test_session->range(0, 400000, 1, 5)
                         .map([b](std::int64_t i) { return b.value()[static_cast<std::size_t>(i)]; })
                         .reduce([](double x, double y) { return x + y; });
  EXPECT_EQ(sum, 0.5 * (399999.0 * 400000.0 / 2));
}

TEST(Broadcast, DestroyFreesTheValueAndALaterReadFailsTheJob) {
  auto b = test_session->broadcast(std::string(test_session->is_driver() ? "driver's" : ""));
  auto copy = b;  // what a lambda holds
  EXPECT_EQ(copy.value(), "driver's");
  b.destroy();
  EXPECT_TRUE(copy.destroyed());
  try {
    test_session->range(0, 10, 1, 2).map([copy](std::int64_t) { return copy.value().size(); }).count();
    ADD_FAILURE() << "expected a JobError";
  } catch (const dataflow::JobError& e) {
    EXPECT_EQ(e.code(), dataflow::ExitCode::kSoftware);
    EXPECT_NE(std::string(e.what()).find("the broadcast was destroyed"), std::string::npos) << e.what();
  }
}

}  // namespace
