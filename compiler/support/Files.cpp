//===- Files.cpp - file-system operations that cannot lose user data -------===//
//
// See Files.h for the rules. POSIX calls only (no LLVM), so that the tree
// removal can run inside a signal handler: on Linux it lists folders with the
// getdents64 system call and removes with unlinkat, none of which allocates.
//
//===----------------------------------------------------------------------===//

#include "edgec/Support/Files.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

extern char **environ;

namespace edgec::files {

namespace {

std::string errnoText(int e) { return std::strerror(e); }

//===----------------------------------------------------------------------===//
// Tree removal without following links (async-signal-safe on Linux)
//===----------------------------------------------------------------------===//

bool isDotOrDotDot(const char *n) {
  return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0'));
}

/// Removes `name` in `dirfd`: a file or link is unlinked, a folder emptied
/// (depth first) and removed. Returns 0 or an errno value.
int removeAt(int dirfd, const char *name, int depth) {
  if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return errno;
  if (depth > 48)
    return ELOOP;
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return errno;
  int firstError = 0;
  // Listing while removing: passes until one removes nothing more.
  for (int pass = 0; pass < 8; ++pass) {
    bool removed = false;
#ifdef __linux__
    struct Dirent64 {
      uint64_t ino;
      int64_t off;
      unsigned short reclen;
      unsigned char type;
      char name[1];
    };
    alignas(8) char buf[2048];
    lseek(fd, 0, SEEK_SET);
    for (;;) {
      long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
      if (n <= 0)
        break;
      for (long off = 0; off < n;) {
        auto *d = reinterpret_cast<Dirent64 *>(buf + off);
        off += d->reclen;
        if (isDotOrDotDot(d->name))
          continue;
        int e = removeAt(fd, d->name, depth + 1);
        if (e == 0)
          removed = true;
        else if (!firstError)
          firstError = e;
      }
    }
#else
    int dupfd = dup(fd);
    DIR *dir = dupfd < 0 ? nullptr : fdopendir(dupfd);
    if (!dir)
      break;
    rewinddir(dir);
    while (struct dirent *d = readdir(dir)) {
      if (isDotOrDotDot(d->d_name))
        continue;
      int e = removeAt(fd, d->d_name, depth + 1);
      if (e == 0)
        removed = true;
      else if (!firstError)
        firstError = e;
    }
    closedir(dir);
#endif
    if (!removed)
      break;
  }
  close(fd);
  if (unlinkat(dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
    return 0;
  return firstError ? firstError : errno;
}

/// removeAt for a whole path, without allocating (a path over PATH_MAX fails).
int removePath(const char *path) {
  char parent[PATH_MAX];
  size_t len = 0;
  while (path[len])
    ++len;
  while (len > 1 && path[len - 1] == '/')
    --len;
  if (len == 0 || len >= sizeof parent)
    return ENAMETOOLONG;
  size_t slash = len;
  while (slash > 0 && path[slash - 1] != '/')
    --slash;
  char name[PATH_MAX];
  size_t nameLen = len - slash;
  for (size_t k = 0; k < nameLen; ++k)
    name[k] = path[slash + k];
  name[nameLen] = '\0';
  if (nameLen == 0 || isDotOrDotDot(name))
    return EINVAL;
  int dirfd;
  if (slash == 0) {
    dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } else {
    for (size_t k = 0; k < slash; ++k)
      parent[k] = path[k];
    parent[slash] = '\0';
    dirfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  }
  if (dirfd < 0)
    return errno;
  int e = removeAt(dirfd, name, 0);
  close(dirfd);
  return e;
}

//===----------------------------------------------------------------------===//
// Temporary folders removed on signals
//===----------------------------------------------------------------------===//

struct Slot {
  std::atomic<bool> used{false};
  std::atomic<bool> armed{false};
  char path[PATH_MAX];
};
Slot slots[16];
std::atomic<long> children[4];

extern "C" void cleanupOnSignal(int sig) {
  int saved = errno;
  for (std::atomic<long> &c : children)
    if (long pid = c.load(); pid > 0) {
      kill(-(pid_t)pid, SIGKILL); // the child's whole process group
      waitpid((pid_t)pid, nullptr, 0);
    }
  for (Slot &s : slots)
    if (s.armed.load())
      removePath(s.path);
  errno = saved;
  // The handler was installed with SA_RESETHAND: this ends the process with
  // the signal, as the default action would have.
  raise(sig);
}

void installHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      sigaction(sig, nullptr, &old);
      if (old.sa_handler == SIG_IGN)
        continue; // e.g. nohup: keep ignoring
      struct sigaction sa {};
      sa.sa_handler = cleanupOnSignal;
      sigemptyset(&sa.sa_mask);
      sa.sa_flags = SA_RESETHAND;
      sigaction(sig, &sa, nullptr);
    }
  });
}

int registerSlot(const std::string &path) {
  if (path.size() >= PATH_MAX)
    return -1;
  for (int k = 0; k < (int)(sizeof slots / sizeof slots[0]); ++k) {
    bool expected = false;
    if (slots[k].used.compare_exchange_strong(expected, true)) {
      std::memcpy(slots[k].path, path.c_str(), path.size() + 1);
      slots[k].armed.store(true);
      return k;
    }
  }
  return -1;
}

void unregisterSlot(int k) {
  if (k < 0)
    return;
  slots[k].armed.store(false);
  slots[k].used.store(false);
}

std::string randomSuffix() {
  static std::mt19937_64 rng{std::random_device{}() ^ ((uint64_t)getpid() << 32)};
  static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int k = 0; k < 12; ++k)
    s += digits[rng() % 36];
  return s;
}

//===----------------------------------------------------------------------===//
// Paths
//===----------------------------------------------------------------------===//

std::string currentDir() {
  char buf[PATH_MAX];
  return getcwd(buf, sizeof buf) ? std::string(buf) : std::string();
}

/// `p` made absolute against the current folder, trailing '/' dropped; no
/// other change (links and `..` are resolved by `resolve`).
std::string absolute(const std::string &p) {
  std::string a = !p.empty() && p[0] == '/' ? p : currentDir() + "/" + p;
  while (a.size() > 1 && a.back() == '/')
    a.pop_back();
  return a;
}

std::vector<std::string> components(const std::string &abs) {
  std::vector<std::string> out;
  std::stringstream ss(abs);
  std::string c;
  while (std::getline(ss, c, '/'))
    if (!c.empty())
      out.push_back(c);
  return out;
}

/// The canonical form of an absolute path: the longest existing prefix
/// through realpath, the rest folded lexically.
std::string resolve(const std::string &abs) {
  std::vector<std::string> parts = components(abs);
  size_t existing = parts.size();
  std::string base;
  for (;; --existing) {
    std::string prefix = "/";
    for (size_t k = 0; k < existing; ++k)
      prefix += (k ? "/" : "") + parts[k];
    char buf[PATH_MAX];
    if (realpath(prefix.c_str(), buf)) {
      base = buf;
      break;
    }
    if (existing == 0)
      return abs;
  }
  std::vector<std::string> out = components(base);
  for (size_t k = existing; k < parts.size(); ++k) {
    if (parts[k] == ".")
      continue;
    if (parts[k] == "..") {
      if (!out.empty())
        out.pop_back();
      continue;
    }
    out.push_back(parts[k]);
  }
  std::string r;
  for (const auto &c : out)
    r += "/" + c;
  return r.empty() ? "/" : r;
}

/// True when `dir` is `path` or one of its ancestors (both canonical).
bool contains(const std::string &dir, const std::string &path) {
  if (dir == "/")
    return true;
  return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                         path[dir.size()] == '/');
}

std::string parentOf(const std::string &canonical) {
  size_t s = canonical.rfind('/');
  return s == 0 || s == std::string::npos ? "/" : canonical.substr(0, s);
}

std::string baseOf(const std::string &canonical) {
  return canonical.substr(canonical.rfind('/') + 1);
}

bool makeDirs(const std::string &canonical, std::string &error) {
  std::string p;
  for (const std::string &c : components(canonical)) {
    p += "/" + c;
    if (mkdir(p.c_str(), 0777) != 0 && errno != EEXIST) {
      error = "cannot create '" + p + "': " + errnoText(errno);
      return false;
    }
  }
  struct stat st;
  if (stat(canonical.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = "'" + canonical + "' exists and is not a directory";
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// The marker: which files edgec wrote, with their sizes and hashes
//===----------------------------------------------------------------------===//

uint64_t fnv1a(const std::string &data) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : data)
    h = (h ^ c) * 1099511628211ull;
  return h;
}

struct Manifest {
  std::string kind;
  std::map<std::string, std::pair<uint64_t, uint64_t>> files; ///< path -> (size, hash)
};

std::string formatManifest(const std::string &kind, const std::vector<GeneratedFile> &files) {
  std::string m = "edgec-output 1\nkind " + kind + "\n";
  char line[64];
  for (const auto &f : files) {
    std::snprintf(line, sizeof line, "%016llx %llu ", (unsigned long long)fnv1a(f.content),
                  (unsigned long long)f.content.size());
    m += line + f.path + "\n";
  }
  return m;
}

bool readSmallRegularFile(const std::string &path, size_t limit, std::string &out) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return false;
  struct stat st;
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= limit;
  if (ok) {
    out.resize(st.st_size);
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n = read(fd, out.data() + got, out.size() - got);
      if (n <= 0)
        break;
      got += n;
    }
    ok = got == out.size();
  }
  close(fd);
  return ok;
}

std::optional<Manifest> readManifest(const std::string &dir) {
  std::string text;
  if (!readSmallRegularFile(dir + "/" + kMarkerName, 1 << 20, text))
    return std::nullopt;
  std::stringstream ss(text);
  std::string line;
  if (!std::getline(ss, line) || line != "edgec-output 1")
    return std::nullopt;
  Manifest m;
  if (!std::getline(ss, line) || line.rfind("kind ", 0) != 0)
    return std::nullopt;
  m.kind = line.substr(5);
  while (std::getline(ss, line)) {
    unsigned long long hash = 0, size = 0;
    int used = 0;
    if (std::sscanf(line.c_str(), "%16llx %llu %n", &hash, &size, &used) != 2 || used <= 0 ||
        (size_t)used >= line.size())
      return std::nullopt;
    m.files[line.substr(used)] = {size, hash};
  }
  return m;
}

/// Files of `dir` (relative paths) that differ from the manifest: added,
/// changed, removed, or not a regular file. At most `limit` are listed.
void diffAgainstManifest(const std::string &dir, const std::string &rel, const Manifest &m,
                         std::map<std::string, bool> &seen, std::vector<std::string> &diffs,
                         int depth) {
  std::string here = rel.empty() ? dir : dir + "/" + rel;
  DIR *d = opendir(here.c_str());
  if (!d) {
    diffs.push_back((rel.empty() ? "." : rel) + " (cannot be read)");
    return;
  }
  std::vector<std::string> names;
  while (struct dirent *e = readdir(d))
    if (!isDotOrDotDot(e->d_name))
      names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end()); // deterministic messages
  for (const std::string &n : names) {
    std::string r = rel.empty() ? n : rel + "/" + n;
    if (r == kMarkerName)
      continue;
    struct stat st;
    if (lstat((dir + "/" + r).c_str(), &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      if (depth < 16)
        diffAgainstManifest(dir, r, m, seen, diffs, depth + 1);
      else
        diffs.push_back(r + "/ (nested too deep)");
      continue;
    }
    auto it = m.files.find(r);
    if (!S_ISREG(st.st_mode)) {
      diffs.push_back(r + " (not a regular file)");
      continue;
    }
    if (it == m.files.end()) {
      diffs.push_back(r + " (not written by edgec)");
      continue;
    }
    seen[r] = true;
    std::string content;
    if ((uint64_t)st.st_size != it->second.first ||
        !readSmallRegularFile(dir + "/" + r, SIZE_MAX, content) ||
        fnv1a(content) != it->second.second)
      diffs.push_back(r + " (changed since edgec wrote it)");
  }
}

std::vector<std::string> changedFiles(const std::string &dir, const Manifest &m) {
  std::map<std::string, bool> seen;
  std::vector<std::string> diffs;
  diffAgainstManifest(dir, "", m, seen, diffs, 0);
  for (const auto &[path, info] : m.files)
    if (!seen.count(path))
      diffs.push_back(path + " (removed)");
  return diffs;
}

bool isEmptyDir(const std::string &dir) {
  DIR *d = opendir(dir.c_str());
  if (!d)
    return false;
  bool empty = true;
  while (struct dirent *e = readdir(d))
    if (!isDotOrDotDot(e->d_name)) {
      empty = false;
      break;
    }
  closedir(d);
  return empty;
}

/// The checks every destination gets: not empty, not a link, not the current
/// folder or an ancestor, holds none of the inputs. Sets `canonical`.
std::string checkPlace(const OutputRequest &r, std::string &canonical) {
  if (r.dir.empty())
    return r.option + " is an empty string: name an output folder (an unset shell variable?)";
  std::string abs = absolute(r.dir);
  struct stat st;
  if (lstat(abs.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
    return r.option + " '" + r.dir +
           "' is a symbolic link: name the folder itself (edgec replaces the folder it is given, "
           "and will not replace a link)";
  canonical = resolve(abs);
  std::string cwd = resolve(currentDir());
  if (contains(canonical, cwd))
    return r.option + " '" + r.dir + "' is " +
           (canonical == cwd ? "the current folder" : "an ancestor of the current folder") +
           ": edgec replaces its output folder as a whole, so it must be a folder of its own";
  for (const std::string &in : r.inputs) {
    if (in.empty())
      continue;
    std::string ri = resolve(absolute(in));
    if (contains(canonical, ri))
      return r.option + " '" + r.dir + "' holds '" + in +
             "', which this command reads: edgec replaces its output folder as a whole, so "
             "choose a folder of its own";
  }
  if (stat(canonical.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
    return "output path '" + r.dir + "' exists and is not a directory";
  return "";
}

} // namespace

bool removeTree(const std::string &path, std::string &error) {
  int e = removePath(path.c_str());
  if (e != 0) {
    error = "cannot remove '" + path + "': " + errnoText(e);
    return false;
  }
  return true;
}

namespace {
/// checkDestination, also giving the destination's canonical path.
std::string checkDestinationAt(const OutputRequest &r, std::string &canonical);
} // namespace

std::string checkDestination(const OutputRequest &r) {
  std::string canonical;
  return checkDestinationAt(r, canonical);
}

namespace {
std::string checkDestinationAt(const OutputRequest &r, std::string &canonical) {
  if (std::string why = checkPlace(r, canonical); !why.empty())
    return why;
  struct stat st;
  if (stat(canonical.c_str(), &st) != 0 || isEmptyDir(canonical))
    return "";
  std::optional<Manifest> m = readManifest(canonical);
  if (!m)
    return r.option + " '" + r.dir +
           "' exists, is not empty and was not written by edgec (it has no " + kMarkerName +
           " marker): edgec will not replace it; name a new or empty folder";
  if (m->kind != r.kind && !(m->kind == "compile" && r.kind == "run") &&
      !(m->kind == "run" && r.kind == "compile"))
    return r.option + " '" + r.dir + "' is an edgec " + m->kind +
           " folder, which holds files edgec does not list: name a new or empty folder";
  std::vector<std::string> changed = changedFiles(canonical, *m);
  if (changed.empty() || r.force)
    return "";
  std::string list;
  for (size_t k = 0; k < changed.size() && k < 5; ++k)
    list += (k ? ", " : "") + changed[k];
  if (changed.size() > 5)
    list += " and " + std::to_string(changed.size() - 5) + " more";
  return r.option + " '" + r.dir + "' is an earlier edgec output whose files were changed: " +
         list + "; edgec replaces it only with --force";
}
} // namespace

namespace {

/// Removes temporary siblings `.<base>.edgec-tmp-<pid>-*` that a killed run
/// left behind: only real folders of this user whose process is gone.
void sweepStale(const std::string &parent, const std::string &base) {
  std::string prefix = "." + base + ".edgec-tmp-";
  DIR *d = opendir(parent.c_str());
  if (!d)
    return;
  std::vector<std::string> stale;
  while (struct dirent *e = readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(prefix, 0) != 0)
      continue;
    char *end = nullptr;
    long pid = std::strtol(n.c_str() + prefix.size(), &end, 10);
    if (pid <= 0 || !end || *end != '-' || pid == (long)getpid())
      continue;
    if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue;
    struct stat st;
    std::string path = parent + "/" + n;
    if (lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == getuid())
      stale.push_back(path);
  }
  closedir(d);
  for (const std::string &p : stale)
    removePath(p.c_str());
}

bool validRelativePath(const std::string &p) {
  if (p.empty() || p[0] == '/' || p == kMarkerName)
    return false;
  for (const std::string &c : components("/" + p))
    if (c == "." || c == "..")
      return false;
  for (unsigned char c : p)
    if (c < 32 || c == 127)
      return false;
  return true;
}

bool writeFile(const std::string &path, const std::string &content, std::string &error) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = "cannot write '" + path + "': " + errnoText(errno);
    return false;
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      error = "cannot write '" + path + "': " + errnoText(errno);
      close(fd);
      return false;
    }
    done += n;
  }
  if (close(fd) != 0) {
    error = "cannot write '" + path + "': " + errnoText(errno);
    return false;
  }
  return true;
}

} // namespace

bool replaceFile(const std::string &path, const std::string &content, std::string &error) {
  std::string tmp = path + ".edgec-tmp-" + std::to_string(getpid()) + "-" + randomSuffix();
  if (!writeFile(tmp, content, error))
    return false;
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + errnoText(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

bool writeDirectory(const OutputRequest &r, const std::vector<GeneratedFile> &files,
                    std::string &error) {
  std::string canonical;
  if (std::string why = checkDestinationAt(r, canonical); !why.empty()) {
    error = why;
    return false;
  }
  std::string parent = parentOf(canonical), base = baseOf(canonical);
  if (!makeDirs(parent, error)) {
    error = "cannot create output directory '" + r.dir + "': " + error;
    return false;
  }
  sweepStale(parent, base);
  std::optional<TempDir> tmp = TempDir::create(parent, "." + base + ".edgec-tmp", error);
  if (!tmp) {
    error = "cannot write to output directory '" + r.dir + "': " + error;
    return false;
  }
  for (const GeneratedFile &f : files) {
    if (!validRelativePath(f.path)) {
      error = "internal error: output file name '" + f.path + "' is not a plain relative path";
      return false;
    }
    std::string path = tmp->path() + "/" + f.path;
    if (!makeDirs(parentOf(path), error) || !writeFile(path, f.content, error))
      return false;
  }
  if (!writeFile(tmp->path() + "/" + kMarkerName, formatManifest(r.kind, files), error))
    return false;
  struct stat st;
  bool exists = lstat(canonical.c_str(), &st) == 0;
#ifdef __linux__
  // One atomic step either way: the destination is never missing or partial.
  if (renameat2(AT_FDCWD, tmp->path().c_str(), AT_FDCWD, canonical.c_str(),
                exists ? RENAME_EXCHANGE : RENAME_NOREPLACE) != 0) {
    error = "cannot move the output into '" + r.dir + "': " + errnoText(errno);
    return false;
  }
  if (!exists)
    tmp->release();
  // Else the temporary name now holds the old folder; ~TempDir removes it.
#else
  std::string old;
  if (exists) {
    old = parent + "/." + base + ".edgec-tmp-" + std::to_string(getpid()) + "-old-" +
          randomSuffix();
    if (rename(canonical.c_str(), old.c_str()) != 0) {
      error = "cannot replace output directory '" + r.dir + "': " + errnoText(errno);
      return false;
    }
  }
  if (rename(tmp->path().c_str(), canonical.c_str()) != 0) {
    error = "cannot move the output into '" + r.dir + "': " + errnoText(errno);
    if (!old.empty())
      rename(old.c_str(), canonical.c_str());
    return false;
  }
  tmp->release();
  if (!old.empty())
    removePath(old.c_str());
#endif
  return true;
}

bool prepareWorkDirectory(const OutputRequest &r, std::string &error) {
  std::string canonical;
  if (std::string why = checkPlace(r, canonical); !why.empty()) {
    error = why;
    return false;
  }
  struct stat st;
  if (stat(canonical.c_str(), &st) == 0 && !isEmptyDir(canonical)) {
    std::optional<Manifest> m = readManifest(canonical);
    if (m && m->kind == r.kind)
      return true;
    error = r.option + " '" + r.dir + "' exists, is not empty and is not an edgec " + r.kind +
            " folder (no " + kMarkerName + " marker of that kind): name a new or empty folder";
    return false;
  }
  if (!makeDirs(canonical, error))
    return false;
  std::string marker = canonical + "/" + kMarkerName;
  unlink(marker.c_str()); // an empty folder: nothing of the user's
  return writeFile(marker, formatManifest(r.kind, {}), error);
}

std::optional<TempDir> TempDir::create(const std::string &parentIn, const std::string &prefix,
                                       std::string &error) {
  std::string parent = parentIn;
  if (parent.empty()) {
    const char *t = std::getenv("TMPDIR");
    parent = t && *t ? t : "/tmp";
  }
  installHandlers();
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string path = parent + "/" + prefix + "-" + std::to_string(getpid()) + "-" +
                       randomSuffix();
    int slot = registerSlot(path);
    if (slot < 0) {
      error = "too many temporary folders, or a path over " + std::to_string(PATH_MAX) +
              " characters";
      return std::nullopt;
    }
    if (mkdir(path.c_str(), 0777) == 0)
      return TempDir(path, slot);
    int e = errno;
    unregisterSlot(slot);
    if (e != EEXIST) {
      error = "cannot create '" + path + "': " + errnoText(e);
      return std::nullopt;
    }
  }
  error = "cannot find a free temporary name in '" + parent + "'";
  return std::nullopt;
}

TempDir::TempDir(TempDir &&other) noexcept : path_(std::move(other.path_)), slot_(other.slot_) {
  other.slot_ = -1;
  other.path_.clear();
}

TempDir::~TempDir() {
  if (slot_ < 0)
    return;
  removePath(path_.c_str());
  unregisterSlot(slot_);
}

void TempDir::release() {
  unregisterSlot(slot_);
  slot_ = -1;
}

ProcessResult runProcess(const std::vector<std::string> &argv, const std::string &stdoutPath,
                         const std::string &stderrPath, unsigned timeoutSeconds) {
  ProcessResult r;
  installHandlers();
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
  posix_spawn_file_actions_addopen(&fa, 2, stderrPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
  posix_spawnattr_init(&attr);
  // Its own process group, so that the whole tree (a compiler driver's
  // cc1plus and as, say) can be killed at once.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE})
    sigaddset(&defaults, sig);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  pid_t pid = 0;
  // The slot is taken before the spawn, so a signal never misses the child.
  int slot = -1;
  for (int k = 0; k < (int)(sizeof children / sizeof children[0]) && slot < 0; ++k) {
    long expected = 0;
    if (children[k].compare_exchange_strong(expected, -1))
      slot = k;
  }
  sigset_t block, old;
  sigemptyset(&block);
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    sigaddset(&block, sig);
  pthread_sigmask(SIG_BLOCK, &block, &old);
  int e = posix_spawn(&pid, argv[0].c_str(), &fa, &attr, args.data(), environ);
  if (e == 0 && slot >= 0)
    children[slot].store(pid);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  auto release = [&] {
    if (slot >= 0)
      children[slot].store(0);
  };
  if (e != 0) {
    release();
    r.error = "cannot run '" + argv[0] + "': " + errnoText(e);
    return r;
  }
  r.started = true;
  int status = 0;
  long waitedMs = 0, step = 1;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid)
      break;
    if (w < 0 && errno != EINTR) {
      r.error = "waiting for '" + argv[0] + "' failed: " + errnoText(errno);
      release();
      return r;
    }
    if (timeoutSeconds && waitedMs >= (long)timeoutSeconds * 1000) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      r.timedOut = true;
      break;
    }
    struct timespec ts {0, step * 1000000};
    nanosleep(&ts, nullptr);
    waitedMs += step;
    step = step < 20 ? step * 2 : 20;
  }
  release();
  if (!r.timedOut) {
    if (WIFEXITED(status))
      r.exitCode = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
      r.signal = WTERMSIG(status);
  }
  // Whatever it left running in its group (a daemonised grandchild) goes too.
  kill(-pid, SIGKILL);
  return r;
}

bool readWholeFile(const std::string &path, std::string &out, std::string &error) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open '" + path + "': " + errnoText(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    error = "'" + path + "' is a directory, not a file";
    return false;
  }
  constexpr size_t kLimit = size_t(1) << 31;
  out.clear();
  if (S_ISREG(st.st_mode) && (uint64_t)st.st_size <= kLimit)
    out.reserve(st.st_size);
  char buf[1 << 16];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = "cannot read '" + path + "': " + errnoText(errno);
      close(fd);
      return false;
    }
    if (n == 0)
      break;
    if (out.size() + n > kLimit) {
      error = "'" + path + "' is larger than 2 GiB";
      close(fd);
      return false;
    }
    out.append(buf, n);
  }
  close(fd);
  return true;
}

std::optional<int64_t> parseNonNegative(const std::string &text) {
  if (text.empty() || text.size() > 19)
    return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    if (v > (INT64_MAX - (c - '0')) / 10)
      return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool readConfined(const std::string &baseDir, const std::string &relative, int64_t offset,
                  int64_t length, int64_t maxBytes, std::string &data, std::string &error) {
  if (relative.empty() || relative[0] == '/' || relative.find('\0') != std::string::npos) {
    error = "external data location '" + relative +
            "' must be a relative path inside the model's folder";
    return false;
  }
  std::vector<std::string> parts = components("/" + relative);
  for (const std::string &c : parts)
    if (c == "..") {
      error = "external data location '" + relative +
              "' must be a relative path inside the model's folder (no '..')";
      return false;
    }
  int fd = open(baseDir.empty() ? "." : baseDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open the model's folder '" + baseDir + "': " + errnoText(errno);
    return false;
  }
  // Component by component, never through a link: the file stays inside.
  for (size_t k = 0; k < parts.size(); ++k) {
    if (parts[k] == ".")
      continue;
    bool last = k + 1 == parts.size();
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (last ? O_NONBLOCK : O_DIRECTORY);
    int next = openat(fd, parts[k].c_str(), flags);
    int e = errno;
    close(fd);
    if (next < 0) {
      struct stat st;
      std::string soFar = baseDir + "/";
      for (size_t j = 0; j <= k; ++j)
        soFar += (j ? "/" : "") + parts[j];
      if ((e == ELOOP || e == ENOTDIR || e == EMLINK) && lstat(soFar.c_str(), &st) == 0 &&
          S_ISLNK(st.st_mode))
        error = "external data location '" + relative + "': '" + soFar +
                "' is a symbolic link; external data must be a regular file inside the "
                "model's folder";
      else
        error = "cannot open external data file '" + soFar + "': " + errnoText(e);
      return false;
    }
    fd = next;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    std::string what = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "a device"
                                                                    : "not a regular file";
    error = "external data location '" + relative + "' is " + what +
            "; it must be a regular file inside the model's folder";
    return false;
  }
  int64_t size = st.st_size;
  auto range = [&] {
    return "[" + std::to_string(offset) + ", " +
           (length < 0 ? std::string("end of file") : std::to_string(offset + length)) + ")";
  };
  if (offset > size || (length >= 0 && length > size - offset)) {
    close(fd);
    error = "external data range " + range() + " is outside '" + relative + "' (" +
            std::to_string(size) + " bytes)";
    return false;
  }
  int64_t n = length < 0 ? size - offset : length;
  if (n > maxBytes) {
    close(fd);
    error = "external data range " + range() + " of '" + relative + "' holds " +
            std::to_string(n) + " bytes; the tensor needs " + std::to_string(maxBytes);
    return false;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  data.resize(n);
  int64_t got = 0;
  while (got < n) {
    ssize_t r = pread(fd, data.data() + got, n - got, offset + got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += r;
  }
  close(fd);
  if (got != n) {
    error = "external data file '" + relative + "' could not be read (" + std::to_string(got) +
            " of " + std::to_string(n) + " bytes)";
    return false;
  }
  return true;
}

} // namespace edgec::files
