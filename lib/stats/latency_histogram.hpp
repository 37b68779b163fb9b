// A latency histogram with log-linear buckets: exact below 128 ns, then 64 buckets per
// power of two, so any recorded value is reported within 1/128 (0.8%). Fixed size, no
// allocation: one per lcore and protocol, summed by the control thread.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace tg::stats {

class LatencyHistogram {
public:
    static constexpr unsigned sub_bits = 6;  // 64 buckets per power of two
    static constexpr unsigned max_shift = 40 - sub_bits;  // values up to 2^41 ns (about 36 min)
    static constexpr std::size_t bucket_count = (max_shift + 2) << sub_bits;

    void record(std::uint64_t ns) noexcept {
        ++buckets_[index_of(ns)];
        ++count_;
        sum_ += ns;
        if (ns > max_) max_ = ns;
        if (count_ == 1 || ns < min_) min_ = ns;
    }

    void merge(const LatencyHistogram& other) noexcept;

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    [[nodiscard]] std::uint64_t min() const noexcept { return min_; }
    [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
    [[nodiscard]] std::uint64_t mean() const noexcept { return count_ == 0 ? 0 : sum_ / count_; }
    // The value at quantile q (0..1], e.g. 0.999 for p99.9; 0 when empty.
    [[nodiscard]] std::uint64_t quantile(double q) const noexcept;

    [[nodiscard]] static constexpr std::size_t index_of(std::uint64_t v) noexcept {
        constexpr std::uint64_t linear = std::uint64_t{2} << sub_bits;  // 128
        if (v < linear) return static_cast<std::size_t>(v);
        const unsigned shift = static_cast<unsigned>(std::bit_width(v)) - 1 - sub_bits;
        if (shift > max_shift) return bucket_count - 1;
        return (std::size_t{shift} << sub_bits) + static_cast<std::size_t>(v >> shift);
    }
    // The middle of the values a bucket holds.
    [[nodiscard]] static constexpr std::uint64_t value_of(std::size_t index) noexcept {
        constexpr std::size_t linear = std::size_t{2} << sub_bits;
        if (index < linear) return index;
        const std::size_t shift = (index >> sub_bits) - 1;
        const std::uint64_t mantissa = (index & ((std::size_t{1} << sub_bits) - 1)) + (std::size_t{1} << sub_bits);
        return (mantissa << shift) + ((std::uint64_t{1} << shift) >> 1);
    }

private:
    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t min_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace tg::stats
