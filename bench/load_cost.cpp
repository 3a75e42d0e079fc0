// Load time and peak memory of the worst file of each product class (reference rows x a model's
// cost) at three sizes. Each load runs in a child process (path load, default LoadOptions), so
// its peak RSS is its own. Built against two versions of brine by scripts/load_cost.sh, which
// prints both tables: before and after bounding those products.
// SPDX-License-Identifier: MIT
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "worst_files.hpp"

namespace {

struct Class {
    const char* name;
    std::function<worst::File(long)> make;
    long sizes[3];
};

/// Loads `path` in a child and prints the outcome, wall and CPU time and peak RSS.
void measure(const std::string& path, const char* name, long n, long bytes, int timeout) {
    std::fflush(nullptr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = fork();
    if (child == 0) {
        alarm(static_cast<unsigned>(timeout));
        try {
            (void)brine::load_any(path);
            std::printf("%-40s %8ld %10ld  loaded", name, n, bytes);
        } catch (const brine::Error& e) {
            std::printf("%-40s %8ld %10ld  %-15.15s", name, n, bytes, brine::errc_name(e.code()));
        }
        std::fflush(nullptr);
        _exit(0);
    }
    int status = 0;
    rusage ru{};
    wait4(child, &status, 0, &ru);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (WIFSIGNALED(status)) {
        std::printf("%-40s %8ld %10ld  killed (%s) ", name, n, bytes,
                    WTERMSIG(status) == SIGALRM ? "timeout" : strsignal(WTERMSIG(status)));
    }
    const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    std::printf("  %9.3f s  %9.3f s  %9.1f MiB\n", seconds, cpu,
                static_cast<double>(ru.ru_maxrss) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = argc > 1 ? argv[1] : "/tmp";
    const int timeout = argc > 2 ? std::atoi(argv[2]) : 120;
    const std::vector<Class> classes = {
        {"tree: rows x depth (n rows, depth n)",
         [](long n) { return worst::tree_rows_x_depth(static_cast<std::int32_t>(n)); },
         {1 << 11, 1 << 13, 1 << 15}},
        {"pipeline: rows x steps (n rows, n steps)",
         [](long n) { return worst::pipeline_rows_x_steps(n); },
         {1 << 10, 1 << 12, 1 << 14}},
        {"logistic: rows x classes x features (n)",
         [](long n) { return worst::logistic_rows_x_coef(n); },
         {128, 256, 512}},
        {"logistic: n rows, n x 0 outputs, 1024 cl.",
         [](long n) { return worst::logistic_outputs_n_by_0(n); },
         {1 << 12, 1 << 14, 1 << 16}},
    };
    std::printf("%-40s %8s %10s  %-15s  %11s  %11s  %13s\n", "product class", "n", "bytes",
                "outcome", "wall time", "CPU time", "peak RSS");
    for (const Class& c : classes) {
        for (const long n : c.sizes) {
            const worst::File f = c.make(n);
            const std::string path = dir + "/load_cost.brine";
            std::ofstream(path, std::ios::binary)
                .write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
            measure(path, c.name, n, static_cast<long>(f.bytes.size()), timeout);
        }
    }
    return 0;
}
