// Runs the fuzz target over every file of a corpus once, without libFuzzer: every build
// (gcc included) checks that the corpus still parses without a finding.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::size_t files = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code ec;
        if (!fs::is_directory(argv[i], ec)) {
            std::fprintf(stderr, "fuzz_replay: %s is not a corpus directory\n", argv[i]);
            return 2;
        }
        for (const auto& entry : fs::directory_iterator(argv[i])) {
            if (!entry.is_regular_file()) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            const std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::vector<std::uint8_t> bytes(raw.begin(), raw.end());
            LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            ++files;
        }
    }
    if (files == 0) {
        std::fprintf(stderr, "fuzz_replay: no corpus files found\n");
        return 2;
    }
    std::printf("fuzz_replay: %zu corpus files parsed without a finding\n", files);
    return 0;
}
