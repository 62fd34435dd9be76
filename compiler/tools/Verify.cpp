//===- Verify.cpp - build generated code for a target and run it -----------===//

#include "Verify.h"
#include "edgec/Support/Files.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/BinaryFormat/ELF.h"
#include "llvm/Object/ELFObjectFile.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <fmt/format.h>

#include <cmath>
#include <functional>

namespace edgec::verify {

namespace {

std::string readFile(const std::string &path, size_t limit = 8000) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "";
  std::string s = (*buffer)->getBuffer().str();
  if (s.size() > limit)
    s = "[...]\n" + s.substr(s.size() - limit);
  return s;
}

struct Exec {
  int status = -1;
  bool timedOut = false;
  std::string message; ///< why it could not run, or the timeout
  std::string output;  ///< stdout then stderr
};

/// Runs argv (argv[0] looked up on PATH) with stdin closed and stdout /
/// stderr captured in files under workDir.
Exec execute(const std::vector<std::string> &argv, const std::string &workDir, const char *tag,
             unsigned timeoutSeconds) {
  Exec r;
  auto program = llvm::sys::findProgramByName(argv[0]);
  if (!program) {
    r.message = "'" + argv[0] + "' not found on PATH";
    return r;
  }
  std::string out = workDir + "/" + tag + ".stdout", err = workDir + "/" + tag + ".stderr";
  std::vector<std::string> resolved = argv;
  resolved[0] = *program;
  files::ProcessResult p = files::runProcess(resolved, out, err, timeoutSeconds);
  bool failed = !p.started;
  std::string errMsg = p.error;
  r.status = p.timedOut ? -2 : p.signal ? -1 : p.exitCode;
  if (p.signal)
    errMsg = "signal " + std::to_string(p.signal);
  r.output = readFile(out) + readFile(err);
  if (failed)
    r.message = errMsg;
  else if (p.timedOut) {
    r.timedOut = true;
    r.message = fmt::format("'{}' did not finish within {} s", argv[0], timeoutSeconds);
  } else if (r.status < 0)
    r.message = "'" + argv[0] + "' crashed: " + errMsg;
  return r;
}

std::string joinCommand(const std::vector<std::string> &argv) {
  std::string s;
  for (const std::string &a : argv)
    s += (s.empty() ? "" : " ") + a;
  return s;
}

/// Code + constant data (allocated, non-BSS sections) of an object file.
int64_t objectFlashBytes(const std::string &path) {
  auto obj = llvm::object::ObjectFile::createObjectFile(path);
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return 0;
  }
  int64_t total = 0;
  for (const llvm::object::SectionRef &s : obj->getBinary()->sections())
    if ((s.isText() || s.isData()) && !s.isBSS())
      total += static_cast<int64_t>(s.getSize());
  return total;
}

/// Writable allocated data (.data, .bss) of an object file.
int64_t objectRamBytes(const std::string &path) {
  auto obj = llvm::object::ObjectFile::createObjectFile(path);
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return 0;
  }
  auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(obj->getBinary());
  if (!elf)
    return 0;
  int64_t total = 0;
  for (const llvm::object::ELFSectionRef s : elf->sections())
    if ((s.getFlags() & llvm::ELF::SHF_ALLOC) && (s.getFlags() & llvm::ELF::SHF_WRITE))
      total += static_cast<int64_t>(s.getSize());
  return total;
}

/// The stack bound of a -fstack-usage file (`file:line:col:function<TAB>
/// bytes<TAB>qualifiers`): the sum of every frame. The generated code never
/// recurses and calls each of its functions at most once along a chain
/// (entry points, their outlined parts, kernels not inlined), so the sum
/// bounds the deepest chain. `dynamic` is set when a frame has a run-time
/// size.
std::optional<int64_t> stackBound(const std::string &suFile, bool &dynamic) {
  auto buf = llvm::MemoryBuffer::getFile(suFile);
  if (!buf)
    return std::nullopt;
  std::optional<int64_t> total;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    llvm::SmallVector<llvm::StringRef, 3> f;
    line.split(f, '\t');
    int64_t bytes = 0;
    if (f.size() < 3 || f[1].trim().getAsInteger(10, bytes))
      continue;
    dynamic |= f[2].contains("dynamic");
    total = total.value_or(0) + bytes;
  }
  return total;
}

/// The stack bound of a -fcallgraph-info=su file (GCC's VCG call graph: a
/// node per function, labelled with its frame, "N bytes (static)", and an
/// edge per call): the largest sum of frames along a call chain. Functions
/// without a frame in the file (the C library's, built-ins) count 0, as in
/// the -fstack-usage sum. nullopt when the file is missing or the graph has
/// a cycle (the generated code never recurses; then the sum bounds it).
std::optional<int64_t> callGraphStackBound(const std::string &ciFile, bool &dynamic) {
  auto buf = llvm::MemoryBuffer::getFile(ciFile);
  if (!buf)
    return std::nullopt;
  llvm::StringMap<int64_t> frame;
  llvm::StringMap<std::vector<std::string>> callees;
  // The quoted value after `key: "` on a line.
  auto field = [](llvm::StringRef line, llvm::StringRef key) {
    size_t at = line.find((key + ": \"").str());
    if (at == llvm::StringRef::npos)
      return llvm::StringRef();
    llvm::StringRef rest = line.drop_front(at + key.size() + 3);
    return rest.take_until([](char c) { return c == '"'; });
  };
  llvm::SmallVector<llvm::StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    if (line.starts_with("node:")) {
      llvm::StringRef label = field(line, "label");
      int64_t bytes = 0;
      size_t b = label.rfind(" bytes (");
      if (b != llvm::StringRef::npos) {
        size_t start = label.take_front(b).rfind("\\n");
        llvm::StringRef num = label.slice(start == llvm::StringRef::npos ? 0 : start + 2, b);
        if (num.trim().getAsInteger(10, bytes))
          bytes = 0;
        dynamic |= label.drop_front(b).starts_with(" bytes (dynamic");
      }
      frame[field(line, "title")] = bytes;
    } else if (line.starts_with("edge:")) {
      callees[field(line, "sourcename")].push_back(field(line, "targetname").str());
    }
  }
  // Deepest chain from each function, memoized; a function on the current
  // path again is a cycle.
  llvm::StringMap<int64_t> deepest;
  llvm::StringSet<> onPath;
  bool cycle = false;
  std::function<int64_t(llvm::StringRef)> depth = [&](llvm::StringRef fn) -> int64_t {
    if (auto it = deepest.find(fn); it != deepest.end())
      return it->second;
    if (!onPath.insert(fn).second) {
      cycle = true;
      return 0;
    }
    int64_t below = 0;
    if (auto it = callees.find(fn); it != callees.end())
      for (const std::string &c : it->second)
        below = std::max(below, depth(c));
    onPath.erase(fn);
    auto f = frame.find(fn);
    return deepest[fn] = (f == frame.end() ? 0 : f->second) + below;
  };
  int64_t bound = 0;
  for (const auto &f : frame)
    bound = std::max(bound, depth(f.getKey()));
  if (cycle)
    return std::nullopt;
  return bound;
}

/// The address of `symbol` in an executable, or nullopt.
std::optional<uint64_t> symbolAddress(const std::string &path, llvm::StringRef symbol) {
  auto obj = llvm::object::ObjectFile::createObjectFile(path);
  if (!obj) {
    llvm::consumeError(obj.takeError());
    return std::nullopt;
  }
  for (const llvm::object::SymbolRef &sym : obj->getBinary()->symbols()) {
    auto name = sym.getName();
    if (!name) {
      llvm::consumeError(name.takeError());
      continue;
    }
    if (*name != symbol)
      continue;
    auto addr = sym.getAddress();
    if (!addr) {
      llvm::consumeError(addr.takeError());
      return std::nullopt;
    }
    return *addr;
  }
  return std::nullopt;
}

/// QEMU -opt values separate with ','; a literal comma is written twice.
std::string qemuEscape(const std::string &s) {
  std::string r;
  for (char c : s)
    r += c == ',' ? std::string(",,") : std::string(1, c);
  return r;
}

std::string absolute(const std::string &p) {
  llvm::SmallString<256> a(p);
  llvm::sys::fs::make_absolute(a);
  return std::string(a);
}

} // namespace

std::string missingTools(const codegen::Target &t) {
  auto need = [](const std::string &program, const std::string &package) -> std::string {
    // findProgramByName returns a name with a '/' unchecked: check it here.
    if (program.empty() ||
        (program.find('/') != std::string::npos ? llvm::sys::fs::can_execute(program)
                                                : bool(llvm::sys::findProgramByName(program))))
      return "";
    return fmt::format("'{}' is not installed{}; scripts/setup.sh installs the cross toolchains "
                       "and QEMU",
                       program, package.empty() ? "" : " (Debian package " + package + ")");
  };
  for (const auto &[program, package] :
       {std::pair{t.compiler, t.toolchainPackage}, std::pair{t.linker, t.toolchainPackage},
        std::pair{t.emulator.command.empty() ? std::string() : t.emulator.command[0],
                  t.emulator.package}})
    if (std::string m = need(program, package); !m.empty())
      return "target " + t.name + ": " + m;
  if (!t.runsOnHost && t.emulator.command.empty())
    return "target " + t.name + " neither runs on the host nor has an emulator to run it";
  return "";
}

Build build(const codegen::Target &t, const std::string &dir, const std::string &name,
            const std::string &workDir) {
  Build b;
  std::vector<std::string> common = {t.compiler};
  common.insert(common.end(), t.cxxFlags.begin(), t.cxxFlags.end());
  for (const char *w : {"-Wall", "-Wextra", "-Werror"})
    common.push_back(w);
  common.push_back("-I" + dir);
  // The C library's headers come with its specs file (picolibc).
  for (const std::string &f : t.linkFlags)
    if (f.rfind("-specs=", 0) == 0)
      common.push_back(f);
  std::vector<std::string> objects;
  for (const std::string &src : {name + ".cpp", name + "_weights.cpp", name + "_main.cpp"}) {
    std::string obj = workDir + "/" + llvm::sys::path::stem(src).str() + ".o";
    std::vector<std::string> argv = common;
    if (objects.empty()) { // the model's code: its frames and calls, for the stack bound
      argv.push_back("-fstack-usage");
      argv.push_back("-fcallgraph-info=su");
    }
    argv.insert(argv.end(), {"-c", dir + "/" + src, "-o", obj});
    Exec e = execute(argv, workDir, "compile", 600);
    if (e.status != 0) {
      b.error = fmt::format("building {} for {} failed{}:\n$ {}\n{}", src, t.name,
                            e.message.empty() ? "" : " (" + e.message + ")", joinCommand(argv),
                            e.output);
      return b;
    }
    objects.push_back(obj);
  }
  if (!t.runsOnHost && t.emulator.bootVectors >= 0) {
    // The core reads its reset SP and PC at boot_vectors, not at flash
    // (docs/targets.md): two words there, the stack top and the C runtime's
    // entry, and the program itself in flash.
    std::string src = workDir + "/boot_vectors.cpp", obj = workDir + "/boot_vectors.o";
    if (std::string error; !files::replaceFile(
            src,
            "// Generated by edgec verify: the emulated core's reset vectors.\n"
            "extern \"C\" char __stack[];\nextern \"C\" void _start(void);\n"
            "extern \"C\" __attribute__((section(\".edgec_boot\"), used)) void *const "
            "edgec_boot_vectors[2] = {__stack, reinterpret_cast<void *>(_start)};\n",
            error)) {
      b.error = error;
      return b;
    }
    std::vector<std::string> argv = common;
    argv.insert(argv.end(), {"-c", src, "-o", obj});
    Exec e = execute(argv, workDir, "compile", 600);
    if (e.status != 0) {
      b.error = fmt::format("building the boot vectors for {} failed:\n$ {}\n{}", t.name,
                            joinCommand(argv), e.output);
      return b;
    }
    objects.push_back(obj);
  }
  b.flashBytes = objectFlashBytes(objects[0]) + objectFlashBytes(objects[1]);
  b.staticRamBytes = objectRamBytes(objects[0]) + objectRamBytes(objects[1]);
  // The deepest call chain where the compiler writes the call graph, else
  // the sum of every frame (a bound too, since nothing recurses).
  b.stackBytes = callGraphStackBound(workDir + "/" + name + ".ci", b.stackDynamic);
  b.stackChain = b.stackBytes.has_value();
  if (!b.stackBytes)
    b.stackBytes = stackBound(workDir + "/" + name + ".su", b.stackDynamic);
  b.executable = workDir + "/" + name + (t.runsOnHost ? "" : ".elf");
  std::vector<std::string> argv = {t.linker};
  for (const std::string &f : t.cxxFlags)
    if (f.rfind("-std=", 0) != 0 && f.rfind("-f", 0) != 0)
      argv.push_back(f);
  argv.insert(argv.end(), t.linkFlags.begin(), t.linkFlags.end());
  if (!t.runsOnHost) {
    const auto &e = t.emulator;
    argv.push_back(fmt::format("-Wl,--defsym=__flash={:#x},--defsym=__flash_size={:#x},"
                               "--defsym=__ram={:#x},--defsym=__ram_size={:#x},"
                               "--defsym=__stack_size={:#x}",
                               e.flashOrigin, e.flashBytes, e.ramOrigin, e.ramBytes, e.stackBytes));
    if (e.bootVectors >= 0)
      argv.push_back(fmt::format("-Wl,--section-start=.edgec_boot={:#x},"
                                 "--undefined=edgec_boot_vectors",
                                 e.bootVectors));
  }
  argv.insert(argv.end(), objects.begin(), objects.end());
  if (t.runsOnHost)
    argv.push_back("-lm");
  argv.insert(argv.end(), {"-o", b.executable});
  Exec e = execute(argv, workDir, "link", 600);
  if (e.status != 0) {
    b.error = fmt::format("linking for {} failed{}:\n$ {}\n{}", t.name,
                          e.message.empty() ? "" : " (" + e.message + ")", joinCommand(argv),
                          e.output);
    if (e.output.find("will not fit in region") != std::string::npos ||
        e.output.find("overflowed by") != std::string::npos) {
      b.boardTooSmall = true;
      b.error = fmt::format("the model and harness do not fit the emulated board's memory "
                            "({} B flash, {} B RAM in the {} target's emulator settings):\n{}",
                            t.emulator.flashBytes, t.emulator.ramBytes, t.name, e.output);
    }
  }
  return b;
}

Run run(const codegen::Target &t, const std::string &exe, const std::vector<std::string> &inputs,
        const std::string &outDir, const std::string &plugin, const std::string &workDir,
        int repeat) {
  Run r;
  std::vector<std::string> argv;
  std::vector<std::string> harnessArgs(inputs);
  if (repeat > 1)
    harnessArgs.insert(harnessArgs.end(), {"--repeat", std::to_string(repeat)});
  std::string counts = workDir + "/icount.json";
  unsigned timeout = t.emulator.timeoutSeconds > 0 ? t.emulator.timeoutSeconds : 600;
  if (t.runsOnHost) {
    argv.push_back(exe);
    argv.insert(argv.end(), harnessArgs.begin(), harnessArgs.end());
    argv.insert(argv.end(), {"-o", outDir});
  } else {
    auto begin = symbolAddress(exe, "edgec_region_begin");
    auto end = symbolAddress(exe, "edgec_region_end");
    if (!begin || !end) {
      r.error = "the harness has no edgec_region_begin / edgec_region_end markers";
      return r;
    }
    if (plugin.empty()) {
      r.error = "the instruction-count plugin libedgec-qemu-icount.so was not found next to "
                "edgec or in <prefix>/lib/edgec (set EDGEC_QEMU_PLUGIN)";
      return r;
    }
    argv = t.emulator.command;
    std::string semi = "enable=on,target=native";
    for (size_t k = 0; k < harnessArgs.size(); ++k)
      semi += ",arg=" + qemuEscape(k < inputs.size() ? absolute(harnessArgs[k]) : harnessArgs[k]);
    semi += ",arg=-o,arg=" + qemuEscape(absolute(outDir));
    llvm::sys::fs::remove(counts);
    std::string pluginArgs = fmt::format("{},begin={:#x},end={:#x},out={}", qemuEscape(plugin),
                                         *begin, *end, qemuEscape(absolute(counts)));
    auto layer = symbolAddress(exe, "edgec_trace_layer");
    auto resume = symbolAddress(exe, "edgec_trace_resume");
    if (layer && resume)
      pluginArgs += fmt::format(",layer={:#x},resume={:#x}", *layer, *resume);
    if (!t.emulator.cycleModel.empty())
      pluginArgs += ",cycles=" + t.emulator.cycleModel;
    argv.insert(argv.end(),
                {"-nographic", "-monitor", "none", "-serial", "none", "-semihosting-config",
                 semi, "-icount", "shift=0",
                 "-plugin", pluginArgs, "-kernel", exe});
  }
  Exec e = execute(argv, workDir, "run", timeout);
  r.output = e.output;
  if (!e.message.empty() || e.status != 0) {
    r.error = fmt::format("running on {} failed ({}):\n$ {}\n{}", t.name,
                          e.message.empty() ? fmt::format("exit code {}", e.status) : e.message,
                          joinCommand(argv), e.output);
    return r;
  }
  if (!t.runsOnHost) {
    std::string text = readFile(counts);
    auto parsed = llvm::json::parse(text);
    const llvm::json::Object *o = parsed ? parsed->getAsObject() : nullptr;
    if (!parsed)
      llvm::consumeError(parsed.takeError());
    std::optional<int64_t> region = o ? o->getInteger("region") : std::nullopt;
    if (!o || !region || o->getInteger("regions") != 1) {
      r.error = "the instruction-count plugin reported no inference (" + text + ")";
      return r;
    }
    r.instructions = (uint64_t)*region;
    if (std::optional<int64_t> c = o->getInteger("region_cycles"))
      r.estimatedCycles = (uint64_t)*c;
    if (const llvm::json::Array *layers = o->getArray("layers"))
      for (const llvm::json::Value &v : *layers)
        r.layerInstructions.push_back((uint64_t)v.getAsInteger().value_or(0));
  }
  return r;
}

std::string findPlugin(const char *argv0) {
  if (const char *env = std::getenv("EDGEC_QEMU_PLUGIN"))
    return llvm::sys::fs::exists(env) ? absolute(env) : "";
  std::string exe = llvm::sys::fs::getMainExecutable(argv0, (void *)&findPlugin);
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(exe));
  for (const char *rel : {"libedgec-qemu-icount.so", "../lib/edgec/libedgec-qemu-icount.so",
                          "../lib64/edgec/libedgec-qemu-icount.so"}) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, rel);
    llvm::sys::path::remove_dots(p, true);
    if (llvm::sys::fs::exists(p))
      return std::string(p);
  }
  return "";
}

Comparison compare(const Tensor &got, const Tensor &want, double rtol, double atol) {
  Comparison c;
  if (got.shape != want.shape) {
    c.error = "shape " + shapeToString(got.shape) + " instead of " + shapeToString(want.shape);
    return c;
  }
  if (got.isFloat() != want.isFloat()) {
    c.error = std::string("dtype ") + dtypeName(got.dtype) + " instead of " +
              dtypeName(want.dtype);
    return c;
  }
  c.elements = got.numElements();
  c.exact = !got.isFloat();
  for (int64_t k = 0; k < c.elements; ++k) {
    double a = got.at(k), b = want.at(k);
    if (std::isnan(a) && std::isnan(b))
      continue;
    double d = std::fabs(a - b);
    if (std::isnan(d) || d > c.maxAbsDiff)
      c.maxAbsDiff = std::isnan(d) ? INFINITY : d;
    bool ok = c.exact ? a == b : d <= atol + rtol * std::fabs(b);
    c.mismatches += !ok;
  }
  return c;
}

} // namespace edgec::verify
