//===- Target.cpp - target descriptions from JSON --------------------------===//

#include "edgec/Codegen/Target.h"
#include "edgec/Codegen/Emitter.h"

#include "llvm/Support/JSON.h"

#include <algorithm>

namespace edgec::codegen {

// Embedded at build time from targets/*.json (cmake/EmbedFiles.cmake).
const std::vector<GeneratedFile> &targetFiles();

std::optional<Target> parseTarget(const std::string &json, const std::string &fileName,
                                  std::string &error) {
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
  Target t;
  auto str = [&](const char *key, std::string &out, bool required) {
    if (auto s = obj->getString(key)) {
      out = s->str();
      return true;
    }
    if (required || obj->get(key))
      error = fileName + ": field '" + key + "' must be a string";
    return !required && !obj->get(key);
  };
  auto strList = [&](const char *key, std::vector<std::string> &out) {
    const llvm::json::Value *v = obj->get(key);
    if (!v)
      return true;
    const llvm::json::Array *arr = v->getAsArray();
    if (!arr) {
      error = fileName + ": field '" + key + "' must be an array of strings";
      return false;
    }
    for (const llvm::json::Value &e : *arr) {
      auto s = e.getAsString();
      if (!s) {
        error = fileName + ": field '" + key + "' must be an array of strings";
        return false;
      }
      out.push_back(s->str());
    }
    return true;
  };
  auto integer = [&](const char *key, auto &out) {
    const llvm::json::Value *v = obj->get(key);
    if (!v)
      return true;
    auto i = v->getAsInteger();
    if (!i || *i < 0) {
      error = fileName + ": field '" + key + "' must be a non-negative integer";
      return false;
    }
    out = *i;
    return true;
  };
  if (!str("name", t.name, true) || !str("description", t.description, false) ||
      !str("isa", t.isa, true) || !strList("features", t.features) ||
      !integer("word_bits", t.wordBits) || !integer("alignment", t.alignment) ||
      !integer("ram_bytes", t.ramBytes) || !integer("flash_bytes", t.flashBytes) ||
      !str("compiler", t.compiler, true) || !strList("cxx_flags", t.cxxFlags))
    return std::nullopt;
  if (const llvm::json::Value *v = obj->get("runs_on_host")) {
    auto b = v->getAsBoolean();
    if (!b) {
      error = fileName + ": field 'runs_on_host' must be true or false";
      return std::nullopt;
    }
    t.runsOnHost = *b;
  }
  if (t.wordBits != 32 && t.wordBits != 64) {
    error = fileName + ": word_bits must be 32 or 64, got " + std::to_string(t.wordBits);
    return std::nullopt;
  }
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

std::optional<Target> findTarget(const std::string &name, std::string &error) {
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
