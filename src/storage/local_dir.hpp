// LocalDir: an executor's private directory for spill files, under --local-dir ($TMPDIR,
// else /tmp). Made with mkdtemp (mode 0700, an unpredictable name) and removed with
// everything in it on every way out of the process: the destructor, and the exit paths
// that skip destructors (remove_local_dirs_now, which World's exit and abort call). A
// directory left by a process that was killed (SIGKILL) is removed by the next run of the
// same user on the same host, once that process is gone; nobody else's is touched.
//
// The driver's checkpoint directory is one too (kind kCheckpoints, under --checkpoint-dir):
// each checkpoint() is committed inside it, and it goes with the program, or with the next
// run once the program was killed.
#pragma once

#include <string>

namespace dataflow::detail {

enum class LocalDirKind { kSpill, kCheckpoints };

class LocalDir {
 public:
  // Throws Error(kConfig) when `base` is not a directory this user can write, naming it.
  explicit LocalDir(const std::string& base, LocalDirKind kind = LocalDirKind::kSpill);
  ~LocalDir();
  LocalDir(const LocalDir&) = delete;
  LocalDir& operator=(const LocalDir&) = delete;

  const std::string& path() const { return path_; }
  // Whether the spill files made from now on are compressed (set between jobs).
  bool compress() const { return compress_; }
  void set_compress(bool on) { compress_ = on; }
  // A new empty file, mode 0600, under a random name (O_CREAT | O_EXCL | O_NOFOLLOW):
  // returns its descriptor and sets `path`. Throws Error(kIoError) naming the directory.
  int create_file(std::string& path);
  // Removes the directory and everything in it; idempotent.
  void remove() noexcept;

 private:
  std::string path_;
  bool compress_ = false;
};

// The directory's name prefix for this user and host: "dataflow-<uid>.<host>." (spill) or
// "dataflow-checkpoint-<uid>.<host>.".
std::string local_dir_prefix(LocalDirKind kind = LocalDirKind::kSpill);
// Removes the directories of `kind` under `base` that dead processes of this user on this
// host left; returns how many.
int remove_stale_local_dirs(const std::string& base, LocalDirKind kind = LocalDirKind::kSpill);
// The base directory: `configured`, else $TMPDIR, else /tmp.
std::string local_dir_base(const std::string& configured);
// Throws Error(kConfig) naming `base` when it is not a directory this user can write.
void check_local_dir_base(const std::string& base);
// Removes every LocalDir of this process now (exit paths that skip destructors).
void remove_local_dirs_now() noexcept;

}  // namespace dataflow::detail
