#include "framework/spec_reader.h"

#include "framework/errors.h"

namespace lfa {

SpecReader::SpecReader(const nlohmann::json& spec, std::string what)
    : spec_(spec.is_null() ? nlohmann::json::object() : spec), what_(std::move(what)) {
  if (!spec_.is_object()) Fail(what_, ": expected a JSON object, got ", Excerpt(spec_.dump()));
  read_.insert("type");
}

const nlohmann::json* SpecReader::Find(const std::string& key) {
  read_.insert(key);
  auto it = spec_.find(key);
  return it == spec_.end() || it->is_null() ? nullptr : &*it;
}

double SpecReader::Number(const std::string& key, double fallback) {
  const auto* value = Find(key);
  if (!value) return fallback;
  if (!value->is_number()) Fail(what_, ": '", key, "' must be a number, got ", Excerpt(value->dump()));
  return value->get<double>();
}

int64_t SpecReader::Integer(const std::string& key, int64_t fallback) {
  const auto* value = Find(key);
  if (!value) return fallback;
  if (!value->is_number_integer())
    Fail(what_, ": '", key, "' must be an integer, got ", Excerpt(value->dump()));
  return value->get<int64_t>();
}

bool SpecReader::Boolean(const std::string& key, bool fallback) {
  const auto* value = Find(key);
  if (!value) return fallback;
  if (!value->is_boolean()) Fail(what_, ": '", key, "' must be true or false, got ", Excerpt(value->dump()));
  return value->get<bool>();
}

std::string SpecReader::String(const std::string& key, const std::string& fallback) {
  const auto* value = Find(key);
  if (!value) return fallback;
  if (!value->is_string()) Fail(what_, ": '", key, "' must be a string, got ", Excerpt(value->dump()));
  return value->get<std::string>();
}

nlohmann::json SpecReader::Raw(const std::string& key) {
  const auto* value = Find(key);
  return value ? *value : nlohmann::json();
}

void SpecReader::Finish() const {
  for (const auto& [key, value] : spec_.items()) {
    if (read_.count(key)) continue;
    std::string known;
    for (const auto& k : read_)
      if (k != "type") known += (known.empty() ? "" : ", ") + k;
    Fail(what_, ": unknown key '", key, "'", known.empty() ? "" : " (known: " + known + ")");
  }
}

}  // namespace lfa
