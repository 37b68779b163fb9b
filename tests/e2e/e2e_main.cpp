// The end-to-end suite's entry: it needs root (namespaces, af_xdp), removes what crashed
// runs left, stops and removes what it creates when interrupted, and checks at the end
// that it left nothing behind.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "failures_last.hpp"
#include "interrupt_cleanup.hpp"
#include "lab.hpp"
#include "leftovers.hpp"
#include "process.hpp"

namespace {

class NothingLeftBehind : public ::testing::Environment {
public:
    void TearDown() override {
        for (const auto& l : tg::e2e::leftovers_of(::getpid(), tg::e2e::every_child_started())) {
            ADD_FAILURE() << "left behind: " << l;
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    if (::geteuid() != 0) {
        std::fprintf(stderr, "e2e: the end-to-end suite needs root (network namespaces, af_xdp); run it with sudo\n");
        return 1;
    }
    try {
        tg::e2e::install_interrupt_cleanup(tg::e2e::tool_path("TG_LAB_SCRIPT"));
        (void)tg::e2e::run({tg::e2e::tool_path("TG_LAB_SCRIPT"), "clean"}, 60);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "e2e: %s\n", e.what());
        return 1;
    }
    ::testing::AddGlobalTestEnvironment(new NothingLeftBehind);
    tg::testing::repeat_failures_at_the_end();
    return RUN_ALL_TESTS();
}
