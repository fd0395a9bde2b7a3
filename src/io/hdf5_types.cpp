// Record types, splits and staged partitions of HDF5 sources and outputs: names and codecs.
#include "dataflow/detail/hdf5_types.hpp"

#include "dataflow/detail/codec.hpp"

namespace dataflow::detail::h5 {

const char* scalar_name(Scalar s) {
  switch (s) {
    case Scalar::kI8:
      return "int8";
    case Scalar::kI16:
      return "int16";
    case Scalar::kI32:
      return "int32";
    case Scalar::kI64:
      return "int64";
    case Scalar::kU8:
      return "uint8";
    case Scalar::kU16:
      return "uint16";
    case Scalar::kU32:
      return "uint32";
    case Scalar::kU64:
      return "uint64";
    case Scalar::kF32:
      return "float32";
    case Scalar::kF64:
      return "float64";
  }
  return "?";
}

std::uint32_t scalar_size(Scalar s) {
  switch (s) {
    case Scalar::kI8:
    case Scalar::kU8:
      return 1;
    case Scalar::kI16:
    case Scalar::kU16:
      return 2;
    case Scalar::kI32:
    case Scalar::kU32:
    case Scalar::kF32:
      return 4;
    default:
      return 8;
  }
}

std::string RecordType::describe() const {
  switch (shape) {
    case Shape::kValues:
      return scalar_name(element);
    case Shape::kRows:
      return "rows of " + (columns ? std::to_string(columns) + " x " : std::string("any number of ")) +
             scalar_name(element);
    case Shape::kStrings:
      return "string";
    case Shape::kCompound: {
      std::string s = "compound {";
      for (std::size_t i = 0; i < fields.size(); ++i) {
        s += (i ? ", " : "") + fields[i].name + ": " + scalar_name(fields[i].type);
      }
      return s + "}";
    }
  }
  return "?";
}

std::string encode(const RecordType& t) {
  std::string out;
  ByteWriter w(out);
  w.put_varint(static_cast<std::uint64_t>(t.shape));
  w.put_varint(static_cast<std::uint64_t>(t.element));
  w.put_varint(t.columns);
  w.put_varint(t.size);
  w.put_varint(t.fields.size());
  for (const Field& f : t.fields) {
    w.put_bytes(f.name);
    w.put_varint(static_cast<std::uint64_t>(f.type));
    w.put_varint(f.offset);
  }
  return out;
}

RecordType decode_record_type(std::string_view bytes) {
  ByteReader r(bytes);
  RecordType t;
  t.shape = static_cast<Shape>(r.get_varint());
  t.element = static_cast<Scalar>(r.get_varint());
  t.columns = r.get_varint();
  t.size = static_cast<std::uint32_t>(r.get_varint());
  const std::uint64_t n = r.get_varint();
  for (std::uint64_t i = 0; i < n && !r.empty(); ++i) {
    Field f;
    f.name = std::string(r.get_bytes());
    f.type = static_cast<Scalar>(r.get_varint());
    f.offset = static_cast<std::uint32_t>(r.get_varint());
    t.fields.push_back(std::move(f));
  }
  return t;
}

std::string encode(const Split& s) {
  std::string out;
  ByteWriter w(out);
  w.put_bytes(s.dataset);
  w.put_varint(s.columns);
  w.put_varint(s.pieces.size());
  for (const Piece& p : s.pieces) {
    w.put_bytes(p.path);
    w.put_varint(p.start);
    w.put_varint(p.rows);
  }
  return out;
}

Split decode_split(std::string_view bytes) {
  ByteReader r(bytes);
  Split s;
  s.dataset = std::string(r.get_bytes());
  s.columns = r.get_varint();
  const std::uint64_t n = r.get_varint();
  for (std::uint64_t i = 0; i < n && !r.empty(); ++i) {
    Piece p;
    p.path = std::string(r.get_bytes());
    p.start = r.get_varint();
    p.rows = r.get_varint();
    s.pieces.push_back(std::move(p));
  }
  return s;
}

std::string encode(const Staged& s) {
  std::string out;
  ByteWriter w(out);
  w.put_varint(static_cast<std::uint64_t>(s.rank));
  w.put_varint(s.rows);
  w.put_varint(s.columns);
  w.put_varint(s.bytes);
  w.put_bytes(s.path);
  return out;
}

std::vector<Staged> decode_staged(std::string_view bytes) {
  ByteReader r(bytes);
  std::vector<Staged> all;
  while (!r.empty()) {
    Staged s;
    s.rank = static_cast<std::int32_t>(r.get_varint());
    s.rows = r.get_varint();
    s.columns = r.get_varint();
    s.bytes = r.get_varint();
    s.path = std::string(r.get_bytes());
    all.push_back(std::move(s));
  }
  return all;
}

}  // namespace dataflow::detail::h5
