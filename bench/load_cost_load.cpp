// One load of a file by path with the default LoadOptions, for scripts/load_cost.sh: prints
// "loaded" or the error's code name. Uses only what every brine version has (load_any,
// errc_name), so it builds against an older checkout too; time and peak RSS are measured from
// outside (/usr/bin/time), so they are this load's alone.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: load_cost_load FILE\n");
        return 2;
    }
    try {
        (void)brine::load_any(argv[1]);
        std::printf("loaded\n");
    } catch (const brine::Error& e) {
        std::printf("%s\n", brine::errc_name(e.code()));
    }
    return 0;
}
