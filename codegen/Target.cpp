//===- Target.cpp - target descriptions from JSON --------------------------===//

#include "edgec/Codegen/Target.h"
#include "edgec/Codegen/Emitter.h"

#include "edgec/Support/Names.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace edgec::codegen {

/// Deepest JSON nesting a target description may have (they use 2).
constexpr size_t kMaxJsonDepth = 32;

// Embedded at build time from targets/*.json (cmake/EmbedFiles.cmake).
const std::vector<GeneratedFile> &targetFiles();

namespace {

/// Reads typed fields of one JSON object, remembering the first error as
/// "<file>: field '<path>' ...".
class FieldReader {
public:
  FieldReader(const llvm::json::Object &obj, std::string prefix, const std::string &file,
              std::string &error)
      : obj(obj), prefix(std::move(prefix)), file(file), error(error) {}

  bool ok() const { return error.empty(); }

  void str(const char *key, std::string &out, bool required = false) {
    if (!ok())
      return;
    if (auto s = obj.getString(key)) {
      if (!printable(key, *s))
        return;
      if (required && s->empty())
        return fail(key, "must not be empty");
      out = s->str();
    } else if (required || obj.get(key)) {
      fail(key, "must be a string");
    }
  }
  void strList(const char *key, std::vector<std::string> &out, bool nonEmpty = false) {
    if (!ok())
      return;
    const llvm::json::Value *v = obj.get(key);
    if (!v)
      return;
    const llvm::json::Array *arr = v->getAsArray();
    if (!arr || (nonEmpty && arr->empty()))
      return fail(key, nonEmpty ? "must be a non-empty array of strings"
                                : "must be an array of strings");
    for (const llvm::json::Value &e : *arr) {
      auto s = e.getAsString();
      if (!s || s->empty())
        return fail(key, "must be an array of non-empty strings");
      if (!printable(key, *s))
        return;
      out.push_back(s->str());
    }
  }
  template <typename I> void integer(const char *key, I &out) {
    if (!ok())
      return;
    const llvm::json::Value *v = obj.get(key);
    if (!v)
      return;
    auto i = v->getAsInteger();
    if (!i || *i < 0 || (uint64_t)*i > (uint64_t)std::numeric_limits<I>::max())
      return fail(key, "must be an integer in [0, " +
                           std::to_string(std::numeric_limits<I>::max()) + "]" +
                           (i ? ", got " + std::to_string(*i) : std::string()));
    out = static_cast<I>(*i);
  }
  void boolean(const char *key, bool &out) {
    if (!ok())
      return;
    if (const llvm::json::Value *v = obj.get(key)) {
      auto b = v->getAsBoolean();
      if (!b)
        return fail(key, "must be true or false");
      out = *b;
    }
  }
  /// Text from a target file ends up in commands and generated files: one
  /// line of printable characters only.
  bool printable(const char *key, llvm::StringRef s) {
    for (unsigned char c : s)
      if (c < 32 || c == 127) {
        fail(key, "contains a control character (newline, tab, ...)");
        return false;
      }
    return true;
  }
  void fail(const char *key, const std::string &what) {
    if (ok())
      error = file + ": field '" + prefix + key + "' " + what;
  }

private:
  const llvm::json::Object &obj;
  std::string prefix;
  const std::string &file;
  std::string &error;
};

/// Letters, digits, '.', '_', '+', '-' (1 to 64, starting with a letter or
/// digit): a name that is safe in messages, banners and file names.
bool validTargetName(const std::string &n) {
  if (n.empty() || n.size() > 64 || !std::isalnum((unsigned char)n[0]))
    return false;
  for (unsigned char c : n)
    if (!(std::isalnum(c) && c < 128) && c != '.' && c != '_' && c != '+' && c != '-')
      return false;
  return true;
}

} // namespace

std::optional<int64_t> parseByteSize(const std::string &text) {
  if (text.empty())
    return std::nullopt;
  int64_t scale = 1;
  std::string digits = text;
  char last = digits.back();
  if (last == 'K' || last == 'k' || last == 'M' || last == 'm') {
    scale = (last == 'K' || last == 'k') ? 1024 : 1024 * 1024;
    digits.pop_back();
  }
  if (digits.empty() || digits.size() > 12 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t v = std::stoll(digits) * scale;
  if (v <= 0)
    return std::nullopt;
  return v;
}

std::optional<Target> parseTarget(const std::string &json, const std::string &fileName,
                                  std::string &error) {
  error.clear();
  // llvm::json::parse recurses once per level: bound it before parsing.
  if (size_t at = nestingTooDeep(json, kMaxJsonDepth, "[{", "]}"); at != std::string::npos) {
    error = fileName + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
            " levels (at byte " + std::to_string(at) + ")";
    return std::nullopt;
  }
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value) {
    error = fileName + ": invalid JSON: " + llvm::toString(value.takeError());
    return std::nullopt;
  }
  const llvm::json::Object *obj = value->getAsObject();
  if (!obj) {
    error = fileName + ": expected a JSON object at the top level";
    return std::nullopt;
  }
  static const char *known[] = {"name",         "description", "isa",
                                "alignment",   "ram_bytes", "flash_bytes",
                                "compiler",     "cxx_flags",   "runs_on_host", "kernels",
                                "linker",       "link_flags",  "toolchain_package", "emulator"};
  for (const auto &kv : *obj)
    if (std::find_if(std::begin(known), std::end(known), [&](const char *k) {
          return kv.first == k;
        }) == std::end(known)) {
      error = fileName + ": unknown field '" + kv.first.str() + "'";
      return std::nullopt;
    }
  Target t;
  FieldReader r(*obj, "", fileName, error);
  r.str("name", t.name, true);
  r.str("description", t.description);
  r.str("isa", t.isa, true);
  r.integer("alignment", t.alignment);
  r.integer("ram_bytes", t.ramBytes);
  r.integer("flash_bytes", t.flashBytes);
  r.str("compiler", t.compiler, true);
  r.strList("cxx_flags", t.cxxFlags);
  r.boolean("runs_on_host", t.runsOnHost);
  std::string kernels = edge::stringifyKernelFamily(edge::KernelFamily::Portable).str();
  r.str("kernels", kernels);
  r.str("linker", t.linker);
  r.strList("link_flags", t.linkFlags);
  r.str("toolchain_package", t.toolchainPackage);
  if (!r.ok())
    return std::nullopt;
  if (const llvm::json::Value *v = obj->get("emulator")) {
    const llvm::json::Object *e = v->getAsObject();
    if (!e) {
      error = fileName + ": field 'emulator' must be an object";
      return std::nullopt;
    }
    FieldReader er(*e, "emulator.", fileName, error);
    er.strList("command", t.emulator.command, true);
    er.str("package", t.emulator.package);
    er.integer("flash_origin", t.emulator.flashOrigin);
    er.integer("flash_bytes", t.emulator.flashBytes);
    er.integer("ram_origin", t.emulator.ramOrigin);
    er.integer("ram_bytes", t.emulator.ramBytes);
    er.integer("stack_bytes", t.emulator.stackBytes);
    er.integer("boot_vectors", t.emulator.bootVectors);
    er.integer("timeout_seconds", t.emulator.timeoutSeconds);
    er.str("cycle_model", t.emulator.cycleModel);
    if (!er.ok())
      return std::nullopt;
    if (!t.emulator.cycleModel.empty() && t.emulator.cycleModel != "m4" &&
        t.emulator.cycleModel != "m55") {
      error = fileName + ": field 'emulator.cycle_model' must be \"m4\" or \"m55\", not '" +
              t.emulator.cycleModel + "'";
      return std::nullopt;
    }
    if (t.emulator.command.empty() || !t.emulator.flashBytes || !t.emulator.ramBytes) {
      error = fileName + ": field 'emulator' needs 'command', 'flash_bytes' and 'ram_bytes'";
      return std::nullopt;
    }
  }
  // At least 8: an arena may hold int64 tensors, 8-aligned on every ABI.
  if (t.alignment < 8 || (t.alignment & (t.alignment - 1)) || t.alignment > 4096) {
    error = fileName + ": alignment must be a power of two from 8 to 4096, got " +
            std::to_string(t.alignment);
    return std::nullopt;
  }
  // The name reaches file banners, messages and report.json.
  if (!validTargetName(t.name)) {
    error = fileName + ": name '" + commentText(t.name) +
            "' must be 1 to 64 letters, digits, '.', '_', '+' or '-', starting with a letter or "
            "digit";
    return std::nullopt;
  }
  if (auto family = edge::symbolizeKernelFamily(kernels)) {
    t.kernels = *family;
  } else {
    std::string known;
    for (uint32_t k = 0; k <= edge::getMaxEnumValForKernelFamily(); ++k)
      if (auto f = edge::symbolizeKernelFamily(k))
        known += (known.empty() ? "" : ", ") + edge::stringifyKernelFamily(*f).str();
    error = fileName + ": kernels must be one of " + known + ", got '" + commentText(kernels) +
            "'";
    return std::nullopt;
  }
  if (t.runsOnHost && !t.emulator.command.empty()) {
    error = fileName + ": a target runs on the host or under an emulator, not both";
    return std::nullopt;
  }
  if (t.linker.empty())
    t.linker = t.compiler;
  return t;
}

std::vector<Target> builtinTargets() {
  std::vector<Target> out;
  for (const GeneratedFile &f : targetFiles()) {
    std::string error;
    if (auto t = parseTarget(f.content, f.path, error))
      out.push_back(*t);
  }
  std::sort(out.begin(), out.end(), [](const Target &a, const Target &b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> brokenBuiltinTargets() {
  std::vector<std::string> out;
  for (const GeneratedFile &f : targetFiles()) {
    std::string error;
    if (!parseTarget(f.content, f.path, error))
      out.push_back(error);
  }
  return out;
}

std::optional<Target> findTarget(const std::string &name, std::string &error) {
  if (llvm::StringRef(name).ends_with(".json")) {
    auto buffer = llvm::MemoryBuffer::getFile(name);
    if (!buffer) {
      error = "cannot read target file '" + name + "': " + buffer.getError().message();
      return std::nullopt;
    }
    return parseTarget((*buffer)->getBuffer().str(), name, error);
  }
  std::string known;
  for (const GeneratedFile &f : targetFiles()) {
    std::string parseError;
    std::optional<Target> t = parseTarget(f.content, f.path, parseError);
    if (!t) {
      if (f.path == "targets/" + name + ".json") {
        error = parseError;
        return std::nullopt;
      }
      continue;
    }
    if (t->name == name)
      return t;
    known += (known.empty() ? "" : ", ") + t->name;
  }
  error = "unknown target '" + name + "' (known targets: " + known + ")";
  return std::nullopt;
}

} // namespace edgec::codegen
