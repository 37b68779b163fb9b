// The rules between options: which settings a role, a subcommand and a mode take together.
// They run once every value is typed (parse_options), on the Options and the names of the
// options the user gave (on the command line, in the environment or in the settings file),
// and throw ConfigError with one sentence that names the clash and the way out. What the
// settings then imply (an association per flow, a response as large as its request) is
// worked out after them, by parse_options.
#pragma once

#include <set>
#include <string>

#include "options.hpp"

namespace tg::app {

struct GivenOptions {
    std::set<std::string> names;  // "--rate", "--loopback", ...
    [[nodiscard]] bool has(const std::string& name) const { return names.count(name) > 0; }
};

// Throws ConfigError for the first rule the settings break.
void check_options(const Options& o, const GivenOptions& given);
// Only the options each subcommand does not take (a sink's generator options, a search's
// run options): named before any value is read, so a misplaced option is the first thing
// said. check_options() checks them too.
void check_placement(const Options& o, const GivenOptions& given);

}  // namespace tg::app
