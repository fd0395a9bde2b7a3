// Schema: Spark's type names, case-insensitive resolution with "did you mean", printSchema.
#include <gtest/gtest.h>

#include <string>

#include "dataflow/error.hpp"
#include "dataflow/schema.hpp"

namespace {

using dataflow::Field;
using dataflow::Schema;
using dataflow::Type;

const Schema kPeople({{"name", Type::kString, true}, {"age", Type::kInt64, true}, {"Birth", Type::kDate, true}});

std::string resolve_error(const Schema& s, const std::string& name) {
  try {
    s.resolve(name);
  } catch (const dataflow::Error& e) {
    EXPECT_EQ(e.exit_code(), 64);
    return e.what();
  }
  ADD_FAILURE() << "expected an Error for " << name;
  return {};
}

TEST(Schema, PrintSchemaAsSpark) {
  EXPECT_EQ(kPeople.tree_string(),
            "root\n"
            " |-- name: string (nullable = true)\n"
            " |-- age: long (nullable = true)\n"
            " |-- Birth: date (nullable = true)\n");
}

TEST(Schema, NamesResolveInAnyCase) {
  EXPECT_EQ(kPeople.resolve("AGE"), 1u);
  EXPECT_EQ(kPeople.resolve("birth"), 2u);
  EXPECT_FALSE(kPeople.find("height"));
}

TEST(Schema, UnknownNameSuggestsTheClosest) {
  EXPECT_EQ(resolve_error(kPeople, "agee"), "cannot resolve column 'agee'; did you mean 'age'?");
  EXPECT_EQ(resolve_error(kPeople, "zzzzzzzz"), "cannot resolve column 'zzzzzzzz'; the columns are: name, age, Birth");
}

TEST(Schema, AmbiguousNameIsAnError) {
  const Schema joined({{"id", Type::kInt64, true}, {"ID", Type::kInt64, true}});
  EXPECT_FALSE(joined.find("id"));
  EXPECT_NE(resolve_error(joined, "id").find("'id' is ambiguous: 2 columns"), std::string::npos);
}

TEST(Schema, TypeNamesRoundTrip) {
  for (Type t : {Type::kBool, Type::kInt32, Type::kInt64, Type::kFloat32, Type::kFloat64, Type::kString, Type::kDate,
                 Type::kTimestamp}) {
    EXPECT_EQ(dataflow::parse_type(dataflow::type_name(t)), t);
  }
  EXPECT_EQ(dataflow::parse_type("INT"), Type::kInt32);
  EXPECT_EQ(dataflow::parse_type("bigint"), Type::kInt64);
  EXPECT_FALSE(dataflow::parse_type("decimal(10,2)"));
}

}  // namespace
