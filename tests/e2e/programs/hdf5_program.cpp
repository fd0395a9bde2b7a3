// The HDF5 end-to-end program (check_hdf5.py drives it):
//   hdf5_program read TYPE DATASET FILE...          prints the records, one a line, in order
//   hdf5_program copy TYPE DATASET IN OUT OUTSET [gzip=N] [overwrite] [chunk=N]
//                                                   reads IN:DATASET, writes OUT:OUTSET
//   hdf5_program range N OUT OUTSET                 writes 0, 0.5, 1, ... (N float64 values)
// TYPE: i8 i16 i32 i64 u8 u16 u32 u64 f32 f64 (1-D), row3 (std::array<double, 3>), rows
// (std::vector<double>), rowsi (std::vector<std::int64_t>), str (std::string), particle
// (a struct {x: float64, y: float32, id: int64} by Compound). Floats print as %.17g.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dataflow/dataflow.hpp"

namespace {

struct Particle {
  double x = 0;
  float y = 0;
  std::int64_t id = 0;
};

const dataflow::hdf5::Compound<Particle>& particle_type() {
  static const dataflow::hdf5::Compound<Particle> c{{"x", &Particle::x}, {"y", &Particle::y}, {"id", &Particle::id}};
  return c;
}

void print_value(std::string& out, double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", v);
  out += b;
}
void print_value(std::string& out, float v) { print_value(out, static_cast<double>(v)); }
template <class I>
  requires std::is_integral_v<I>
void print_value(std::string& out, I v) {
  out += std::to_string(v);
}
void print_value(std::string& out, const std::string& s) { out += s; }
template <class E, std::size_t N>
void print_value(std::string& out, const std::array<E, N>& row) {
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ' ';
    print_value(out, row[i]);
  }
}
template <class E>
void print_value(std::string& out, const std::vector<E>& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) out += ' ';
    print_value(out, row[i]);
  }
}
void print_value(std::string& out, const Particle& p) {
  print_value(out, p.x);
  out += ' ';
  print_value(out, p.y);
  out += ' ';
  print_value(out, p.id);
}

struct Args {
  std::string command, type, dataset, out, out_dataset;
  std::vector<std::string> files;
  dataflow::hdf5::WriteOptions options;
};

template <class T, class Source>
int act(dataflow::Session& session, const Args& a, Source source) {
  auto ds = source();
  if (a.command == "read") {
    const auto records = ds.collect();
    if (session.is_driver()) {
      std::string out;
      for (const auto& r : records) {
        print_value(out, r);
        out += '\n';
      }
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    return 0;
  }
  if constexpr (std::is_same_v<T, Particle>) {
    ds.save_as_hdf5(a.out, a.out_dataset, particle_type(), a.options);
  } else {
    ds.save_as_hdf5(a.out, a.out_dataset, a.options);
  }
  return 0;
}

template <class T>
int typed(dataflow::Session& session, const Args& a) {
  return act<T>(session, a, [&] { return session.hdf5<T>(a.files, a.dataset); });
}

int body(dataflow::Session& session, int argc, char** argv) {
  Args a;
  if (argc >= 3 && std::string(argv[1]) == "range") {
    if (argc < 5) return 64;
    const auto n = static_cast<std::int64_t>(std::strtoll(argv[2], nullptr, 10));
    session.range(0, n).map([](std::int64_t i) { return static_cast<double>(i) * 0.5; }).save_as_hdf5(argv[3], argv[4]);
    return 0;
  }
  if (argc < 5) {
    std::fprintf(stderr, "usage: hdf5_program read|copy TYPE DATASET FILE... | range N OUT OUTSET\n");
    return 64;
  }
  a.command = argv[1];
  a.type = argv[2];
  a.dataset = argv[3];
  if (a.command == "read") {
    for (int i = 4; i < argc; ++i) a.files.emplace_back(argv[i]);
  } else if (a.command == "copy" && argc >= 7) {
    a.files = {argv[4]};
    a.out = argv[5];
    a.out_dataset = argv[6];
    for (int i = 7; i < argc; ++i) {
      const std::string opt = argv[i];
      if (opt.rfind("gzip=", 0) == 0) a.options.gzip = std::atoi(opt.c_str() + 5);
      if (opt.rfind("chunk=", 0) == 0) a.options.chunk_rows = std::strtoull(opt.c_str() + 6, nullptr, 10);
      if (opt == "overwrite") a.options.overwrite = true;
    }
  } else {
    return 64;
  }
  const std::string& t = a.type;
  if (t == "i8") return typed<std::int8_t>(session, a);
  if (t == "i16") return typed<std::int16_t>(session, a);
  if (t == "i32") return typed<std::int32_t>(session, a);
  if (t == "i64") return typed<std::int64_t>(session, a);
  if (t == "u8") return typed<std::uint8_t>(session, a);
  if (t == "u16") return typed<std::uint16_t>(session, a);
  if (t == "u32") return typed<std::uint32_t>(session, a);
  if (t == "u64") return typed<std::uint64_t>(session, a);
  if (t == "f32") return typed<float>(session, a);
  if (t == "f64") return typed<double>(session, a);
  if (t == "row3") return typed<std::array<double, 3>>(session, a);
  if (t == "rows") return typed<std::vector<double>>(session, a);
  if (t == "rowsi") return typed<std::vector<std::int64_t>>(session, a);
  if (t == "str") return typed<std::string>(session, a);
  if (t == "particle") {
    return act<Particle>(session, a, [&] { return session.hdf5(a.files, a.dataset, particle_type()); });
  }
  std::fprintf(stderr, "hdf5_program: unknown type %s\n", t.c_str());
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  return dataflow::run(argc, argv, [&](dataflow::Session& session) { return body(session, argc, argv); });
}
