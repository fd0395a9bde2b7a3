// Reading an event's fields with rapidjson: an absent or mistyped field reads as "unknown"
// (-1, 0, "" or an empty array), never as an error, as logs from other versions differ.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dataflow::report {

inline const rapidjson::Value* field(const rapidjson::Value& v, const char* name) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(name);
  return it == v.MemberEnd() ? nullptr : &it->value;
}

inline std::string_view str(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* f = field(v, name);
  return f && f->IsString() ? std::string_view(f->GetString(), f->GetStringLength()) : std::string_view();
}

// A string as it is, a number in decimal, anything else empty: for argv, settings and
// accumulator values, which a future log may write either way.
inline std::string text(const rapidjson::Value* v) {
  if (!v) return {};
  if (v->IsString()) return {v->GetString(), v->GetStringLength()};
  if (v->IsInt64()) return std::to_string(v->GetInt64());
  if (v->IsUint64()) return std::to_string(v->GetUint64());
  if (v->IsDouble()) return std::to_string(v->GetDouble());
  if (v->IsBool()) return v->GetBool() ? "true" : "false";
  return {};
}
inline std::string text(const rapidjson::Value& v) { return text(&v); }

inline std::int64_t i64(const rapidjson::Value& v, const char* name, std::int64_t unknown = -1) {
  const rapidjson::Value* f = field(v, name);
  if (!f) return unknown;
  if (f->IsInt64()) return f->GetInt64();
  if (f->IsUint64()) return static_cast<std::int64_t>(f->GetUint64());
  if (f->IsDouble()) return static_cast<std::int64_t>(f->GetDouble());
  return unknown;
}

inline std::uint64_t u64(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* f = field(v, name);
  if (!f) return 0;
  if (f->IsUint64()) return f->GetUint64();
  if (f->IsDouble() && f->GetDouble() > 0) return static_cast<std::uint64_t>(f->GetDouble());
  return 0;
}

// The first of the names present as a number.
inline double dbl(const rapidjson::Value& v, const char* name, const char* other) {
  for (const char* n : {name, other}) {
    if (const rapidjson::Value* f = field(v, n); f && f->IsNumber()) return f->GetDouble();
  }
  return 0;
}

inline std::span<const rapidjson::Value> array(const rapidjson::Value& v, const char* name) {
  const rapidjson::Value* f = field(v, name);
  if (!f || !f->IsArray()) return {};
  return {f->Begin(), f->Size()};
}

}  // namespace dataflow::report
