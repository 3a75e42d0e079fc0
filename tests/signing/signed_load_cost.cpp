// The cost of a signed load against an unsigned one, for a small model and for a model of 10^7
// doubles: the median wall time of each over interleaved repetitions, and their ratio.
// SPDX-License-Identifier: MIT
//
// Usage: brine_signed_load_cost [repetitions=15] [directory=/tmp]
#include <brine/brine.hpp>
#include <brine/signing.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

template <class F>
double seconds(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void measure(const char* label, const brine::LinearRegression& model, const std::string& path,
             int reps) {
    const brine::KeyPair kp = brine::generate_key_pair();
    brine::SignOptions so;
    so.name = "bench";
    so.version = 1;
    brine::save_signed(model, path, kp.secret_key, so);
    const brine::TrustedKeys keys{kp.public_key};
    brine::SignaturePolicy policy;
    policy.name = "bench";
    std::vector<double> plain, signed_, verify_only, decode_only;
    double sink = 0;
    std::string bytes;
    {
        std::ifstream in(path, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    for (int i = 0; i < reps; ++i) {
        plain.push_back(
            seconds([&] { sink += brine::load<brine::LinearRegression>(path).intercept(0); }));
        signed_.push_back(seconds([&] {
            sink += brine::load_signed<brine::LinearRegression>(path, keys, policy).intercept(0);
        }));
        // The two halves of a signed load: reading and verifying, decoding from memory.
        verify_only.push_back(
            seconds([&] { sink += brine::verify_file(path, keys).key_id.bytes[0]; }));
        decode_only.push_back(seconds(
            [&] { sink += brine::from_bytes<brine::LinearRegression>(bytes).intercept(0); }));
    }
    const double p = median(plain), s = median(signed_);
    std::printf(
        "%-16s %9llu bytes  unsigned %10.1f us  signed %10.1f us  ratio %5.2f"
        "  (verify_file %9.1f us, from_bytes %9.1f us)%s\n",
        label, static_cast<unsigned long long>(std::filesystem::file_size(path)), p * 1e6, s * 1e6,
        s / p, median(verify_only) * 1e6, median(decode_only) * 1e6, sink == 12345.678 ? " " : "");
    std::filesystem::remove(path);
    std::filesystem::remove(path + ".minisig");
}

}  // namespace

int main(int argc, char** argv) {
    const int reps = argc > 1 ? std::atoi(argv[1]) : 15;
    const std::string dir = argc > 2 ? argv[2] : "/tmp";
    const std::string path =
        dir + "/brine-signed-load-cost-" + std::to_string(::getpid()) + ".brine";

    Eigen::VectorXd small(10);
    for (Eigen::Index i = 0; i < small.size(); ++i) small(i) = 0.5 * static_cast<double>(i) - 2;
    measure("small model", brine::LinearRegression(small, 0.25), path, reps);

    Eigen::VectorXd big(10'000'000);
    for (Eigen::Index i = 0; i < big.size(); ++i) big(i) = 1.0 / static_cast<double>(i + 1);
    measure("10^7 doubles", brine::LinearRegression(big, 0.25), path, reps);
    return 0;
}
