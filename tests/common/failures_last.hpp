// Repeats every failed assertion on stderr once all tests have run. A log shown by its tail
// (CI's, meson's) then ends with what failed, however long the suite's output was.
#pragma once

#include <gtest/gtest.h>

namespace tg::testing {

// Adds the listener to gtest's; call after InitGoogleTest.
void repeat_failures_at_the_end();

}  // namespace tg::testing
