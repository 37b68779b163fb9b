// A setting trafficgen cannot use. The message is one sentence for the user: it names the
// setting, the bad value and what would be accepted.
#pragma once

#include <stdexcept>
#include <string>

namespace tg::traffic {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tg::traffic
