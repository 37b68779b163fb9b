// gtest's main for the long suites: the same as gtest_main, with every failure repeated last.
#include <gtest/gtest.h>

#include "failures_last.hpp"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    tg::testing::repeat_failures_at_the_end();
    return RUN_ALL_TESTS();
}
