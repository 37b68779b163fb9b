// Timing checks on a shared machine: a measurement spoiled by another process's burst
// of CPU is taken again, up to a few times. A wrong shape fails every attempt; the
// report names what each attempt saw.
#pragma once

#include <cmath>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>

namespace tg::testing {

// `attempt` returns "" when what it measured is right, else what was wrong.
inline ::testing::AssertionResult within_attempts(int attempts, const std::function<std::string()>& attempt) {
    std::string seen;
    for (int i = 1; i <= attempts; ++i) {
        const std::string wrong = attempt();
        if (wrong.empty()) return ::testing::AssertionSuccess();
        seen += "\n  attempt " + std::to_string(i) + ": " + wrong;
    }
    return ::testing::AssertionFailure() << "wrong in every attempt:" << seen;
}

// "" when |value - expected| <= tolerance, else a sentence saying so.
inline std::string near(const char* what, double value, double expected, double tolerance) {
    if (std::abs(value - expected) <= tolerance) return "";
    return std::string(what) + " = " + std::to_string(value) + ", expected " + std::to_string(expected) + " +- " +
           std::to_string(tolerance) + "; ";
}

// Timing under ASan and UBSan measures the sanitizers: the sanitized build runs every
// check of correctness and leaves timing to the optimised build.
#define TG_SKIP_TIMING_WHEN_SANITIZED()                                                        \
    do {                                                                                      \
        if (std::getenv("TG_SANITIZED") != nullptr) GTEST_SKIP() << "timing is judged in the optimised build"; \
    } while (false)

inline std::string at_least(const char* what, double value, double minimum) {
    if (value >= minimum) return "";
    return std::string(what) + " = " + std::to_string(value) + ", expected at least " + std::to_string(minimum) + "; ";
}

}  // namespace tg::testing
