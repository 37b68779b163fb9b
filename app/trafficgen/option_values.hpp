// Values of options, each parsed once where it is read, each refusal naming the option,
// the value and what would be accepted.
#pragma once

#include <string>

namespace tg::app {

// "10", "10s", "250ms", "5us", "2m", in seconds.
[[nodiscard]] double seconds(const std::string& text, const std::string& what, bool zero_ok);
// A whole number lo..hi; `range` says so in the refusal.
[[nodiscard]] unsigned whole_number(const std::string& text, const std::string& what, unsigned lo, unsigned hi,
                                    const std::string& range);

}  // namespace tg::app
