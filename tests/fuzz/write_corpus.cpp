// Writes the sample-frame catalogue as seed files for the parser fuzzer:
//   build/tests/fuzz/write_corpus tests/fuzz/corpus/parse_frame
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/sample_frames.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: write_corpus DIR\n");
        return 2;
    }
    const std::filesystem::path dir = argv[1];
    std::filesystem::create_directories(dir);
    std::size_t n = 0;
    for (const auto& f : tg::testing::make_sample_frames()) {
        std::string name = f.name;
        for (auto& c : name) {
            if (c == '/') c = '_';
        }
        std::ofstream out(dir / name, std::ios::binary);
        out.write(reinterpret_cast<const char*>(f.bytes.data()), static_cast<std::streamsize>(f.bytes.size()));
        ++n;
    }
    std::printf("wrote %zu seeds to %s\n", n, dir.c_str());
    return 0;
}
