// YAML documents from JSON values, block style, as people write Kubernetes objects and
// cloud-config: multi-line strings as literal blocks, strings that would read as another
// type (01, true, 5201) quoted, keys in the order they were built.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tg::deploy {

using ordered_json = nlohmann::ordered_json;

[[nodiscard]] std::string to_yaml(const ordered_json& doc);
// Several documents, each opened by "---".
[[nodiscard]] std::string to_yaml_stream(const std::vector<ordered_json>& docs);

}  // namespace tg::deploy
