#include "failures_last.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace tg::testing {

namespace {

class FailuresLast : public ::testing::EmptyTestEventListener {
public:
    void OnTestStart(const ::testing::TestInfo& t) override {
        current_ = std::string(t.test_suite_name()) + "." + t.name();
    }
    void OnTestEnd(const ::testing::TestInfo&) override { current_.clear(); }

    void OnTestPartResult(const ::testing::TestPartResult& r) override {
        if (!r.failed()) return;
        // gtest holds its lock while it reports a result: current_test_info() here would wait for ever.
        const std::string name = current_.empty() ? "(set-up or tear-down of the suite)" : current_;
        std::string where = r.file_name() ? r.file_name() : "";
        if (r.line_number() >= 0) where += ":" + std::to_string(r.line_number());
        failures_.push_back(name + " at " + where + "\n" + r.message());
    }

    void OnTestProgramEnd(const ::testing::UnitTest&) override {
        if (failures_.empty()) return;
        std::fprintf(stderr, "\n== %zu failed assertion(s), repeated here:\n", failures_.size());
        for (const auto& f : failures_) std::fprintf(stderr, "-- %s\n", f.c_str());
        std::fflush(stderr);
    }

private:
    std::string current_;
    std::vector<std::string> failures_;
};

}  // namespace

void repeat_failures_at_the_end() {
    ::testing::UnitTest::GetInstance()->listeners().Append(new FailuresLast);
}

}  // namespace tg::testing
