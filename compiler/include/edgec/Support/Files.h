//===- Files.h - file-system operations that cannot lose user data -*- C++ -*-===//
//
// Every folder edgec writes (compile's -o, run's --output-dir, verify's
// --work-dir) goes through this file, and so does every file the importer
// reads on a model's behalf (external data). The rules, stated once:
//
//  * An output folder is written to an unpredictable temporary sibling and
//    then exchanged with the destination in one rename: a failed or killed
//    command never leaves a half-written folder in its place.
//  * A destination is replaced only when it does not exist, is an empty
//    folder, or is a folder edgec wrote itself (it holds the marker file
//    `.edgec-output` listing every file with its size and hash) whose files
//    are exactly as edgec left them; `force` also replaces an edgec folder
//    whose files were changed. A folder without the marker is never replaced.
//  * Never the empty path, the current folder or one of its ancestors, or a
//    folder that holds (at any depth) a file the command reads.
//  * Removing a tree never follows a symbolic link: a link is unlinked, what
//    it points to is left alone.
//  * Temporary folders are removed on every exit path, SIGINT, SIGTERM and
//    SIGHUP included; ones left by a killed (SIGKILL) run of the same
//    destination are removed by the next run once their process is gone.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace edgec {

/// One file of generated output, its path relative to the output folder.
struct GeneratedFile {
  std::string path;
  std::string content;
};

namespace files {

/// Name of the marker file edgec writes into every output folder it creates.
inline constexpr const char *kMarkerName = ".edgec-output";

/// Removes `path` and everything below it without following symbolic links.
/// A path that does not exist is success. On failure `error` says why.
bool removeTree(const std::string &path, std::string &error);

/// A destination folder and what the command must not destroy on the way.
struct OutputRequest {
  std::string dir;                 ///< as the user gave it
  std::string option = "-o";       ///< the option that named it, for messages
  std::string kind = "compile";    ///< recorded in the marker (compile, run, verify)
  std::vector<std::string> inputs; ///< files the command reads (model, data, ...)
  bool force = false;              ///< replace an edgec folder whose files were changed
};

/// Why `r.dir` may not be replaced, or "" when it may.
std::string checkDestination(const OutputRequest &r);

/// Writes `files` (and the marker) into a temporary sibling of `r.dir`, then
/// puts it in place of `r.dir` atomically. False after a sentence in `error`;
/// nothing of the user's is changed then.
bool writeDirectory(const OutputRequest &r, const std::vector<GeneratedFile> &files,
                    std::string &error);

/// Writes one file the user named (e.g. --depfile) as a whole: a temporary
/// sibling first, then a rename, so it is never half-written.
bool replaceFile(const std::string &path, const std::string &content, std::string &error);

/// A work folder that edgec fills over time (verify --work-dir): created with
/// a marker when new or empty, reused when it carries a marker of the same
/// kind, refused otherwise (same checks as checkDestination, except that its
/// contents may have changed since: edgec's own builds live there).
bool prepareWorkDirectory(const OutputRequest &r, std::string &error);

/// A temporary folder that is removed when this object dies and on SIGINT,
/// SIGTERM or SIGHUP while it lives.
class TempDir {
public:
  /// Creates `<parent>/<prefix>-<pid>-<random>` (mode 0777 less the umask).
  /// An empty `parent` means the system's temporary folder.
  static std::optional<TempDir> create(const std::string &parent, const std::string &prefix,
                                       std::string &error);
  TempDir(TempDir &&other) noexcept;
  TempDir &operator=(TempDir &&) = delete;
  TempDir(const TempDir &) = delete;
  ~TempDir();
  const std::string &path() const { return path_; }
  /// Stops tracking the folder without removing it (it was renamed away).
  void release();

private:
  explicit TempDir(std::string path, int slot) : path_(std::move(path)), slot_(slot) {}
  std::string path_;
  int slot_ = -1;
};

/// A child process edgec waits for (a compiler, an emulator).
struct ProcessResult {
  bool started = false;  ///< false: `error` says why it could not run
  bool timedOut = false; ///< killed after the timeout
  int exitCode = -1;     ///< when it exited
  int signal = 0;        ///< when a signal ended it
  std::string error;
};

/// Runs `argv` (argv[0] a path to the program) in a process group of its
/// own, stdin from /dev/null, stdout and stderr into the two files, and waits
/// up to `timeoutSeconds` (0: no limit), then kills the whole group. While it
/// runs, SIGINT, SIGTERM or SIGHUP to edgec kill and reap the group before
/// the temporary folders are removed: no compiler or emulator is left running
/// or writing into a folder being removed.
ProcessResult runProcess(const std::vector<std::string> &argv, const std::string &stdoutPath,
                         const std::string &stderrPath, unsigned timeoutSeconds);

/// Reads `length` bytes at `offset` of `relative`, a path inside `baseDir`,
/// for a model's external data: no absolute path, no `..`, no symbolic link
/// on any component, a regular file only (never blocks on a FIFO or device),
/// and the range inside the file. `length` < 0 reads to the end of the file.
/// At most `maxBytes` are read. False after a sentence in `error`.
bool readConfined(const std::string &baseDir, const std::string &relative, int64_t offset,
                  int64_t length, int64_t maxBytes, std::string &data, std::string &error);

/// Reads all of `path` (a regular file, or a pipe such as `<(...)`) into
/// `out`; a folder or more than 2 GiB is refused. False after a sentence.
bool readWholeFile(const std::string &path, std::string &out, std::string &error);

/// Parses a whole string as a non-negative decimal integer (no sign, no
/// spaces, no trailing characters, no overflow).
std::optional<int64_t> parseNonNegative(const std::string &text);

} // namespace files
} // namespace edgec
