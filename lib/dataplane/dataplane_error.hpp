// A failure of the data plane's setup (EAL, port, memory), as one sentence for the user.
#pragma once

#include <stdexcept>

namespace tg::dataplane {

class DataplaneError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tg::dataplane
