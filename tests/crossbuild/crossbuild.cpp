// One program built several times with different floating-point code generation (see
// CMakeLists.txt here): `write DIR` saves models with reference predictions, `read DIR` loads
// them in another build and reports how many outputs that build computes differently, bit for bit.
// SPDX-License-Identifier: MIT
#include <brine/brine.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// xorshift64: the same values in every build (integer arithmetic, then one correctly rounded
/// division), so every build constructs the same models and rows.
struct Values {
    std::uint64_t state = 88172645463325252ull;
    double next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return static_cast<double>(state % 2000001) / 1e6 - 1.0;
    }
    Eigen::MatrixXd matrix(Eigen::Index rows, Eigen::Index cols) {
        Eigen::MatrixXd m(rows, cols);
        for (Eigen::Index i = 0; i < rows; ++i)
            for (Eigen::Index j = 0; j < cols; ++j) m(i, j) = next();
        return m;
    }
};

struct Case {
    std::string name;
    brine::AnyModel model;
    brine::AnyModel changed;  ///< the same model with one coefficient changed by 1e-7, relative
    Eigen::MatrixXd rows;
};

std::vector<Case> cases() {
    Values v;
    std::vector<Case> c;
    constexpr Eigen::Index features = 515, classes = 7, rows = 16;
    {
        brine::LogisticRegression m;
        m.coef = v.matrix(classes, features);
        m.intercept = v.matrix(classes, 1);
        m.classes = Eigen::VectorXd::LinSpaced(classes, 0, classes - 1);
        brine::LogisticRegression changed = m;
        changed.coef(2, 7) *= 1 + 1e-7;
        c.push_back({"logistic", m, changed, v.matrix(rows, features)});
    }
    {
        const brine::StandardScaler s(v.matrix(features, 1),
                                      (v.matrix(features, 1).array() + 2).matrix());
        brine::LogisticRegression e;
        e.coef = v.matrix(1, features);
        e.intercept = v.matrix(1, 1);
        e.classes = Eigen::VectorXd::LinSpaced(2, -1, 1);
        brine::LogisticRegression changed = e;
        changed.coef(0, 300) *= 1 + 1e-7;
        c.push_back({"pipeline", brine::Pipeline({s}, e), brine::Pipeline({s}, changed),
                     v.matrix(rows, features)});
    }
    {
        brine::LinearRegression m(brine::RowMatrix(v.matrix(3, features)), v.matrix(3, 1));
        brine::LinearRegression changed = m;
        changed.coef(1, 100) *= 1 + 1e-7;
        c.push_back({"linear", m, changed, v.matrix(rows, features)});
        // One reference row: Eigen computes 1 x n products as dot products whose partial sums
        // follow the SIMD width, so these outputs differ in their last bits between the builds.
        c.push_back({"linear_one_row", m, changed, v.matrix(1, features)});
    }
    {
        const brine::LogisticRegression& m = *c.front().model.get_if<brine::LogisticRegression>();
        c.push_back({"logistic_one_row", m, c.front().changed, v.matrix(1, features)});
    }
    return c;
}

template <class Model>
std::string encode_with_reference_of(const Model& m, const brine::Reference& r) {
    brine::detail::Header h = brine::detail::make_header(m, brine::SaveOptions{});
    h.reference = r;
    brine::detail::ByteBuffer b;
    brine::detail::encode_binary(b, m, h);
    return std::string(b.view());
}

int write(const std::string& dir) {
    for (const Case& c : cases()) {
        brine::SaveOptions so;
        so.reference_inputs = c.rows;
        so.created = "2026-01-01T00:00:00Z";
        brine::save(c.model, dir + "/" + c.name + ".brine", so);
        // The changed model with the original's reference block: what a file whose coefficient
        // was altered after saving (and re-checksummed) holds.
        const brine::Reference r = brine::inspect(dir + "/" + c.name + ".brine").reference;
        const std::string bytes = std::visit(
            [&](const auto& m) { return encode_with_reference_of(m, r); }, c.changed.variant());
        std::FILE* f = std::fopen((dir + "/" + c.name + "_changed.brine").c_str(), "wb");
        if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) return 1;
        std::fclose(f);
        std::printf("%s: saved %lld reference rows\n", c.name.c_str(),
                    static_cast<long long>(c.rows.rows()));
    }
    return 0;
}

int read(const std::string& dir) {
    int failures = 0;
    long long differing = 0;
    for (const Case& c : cases()) {
        const std::string path = dir + "/" + c.name + ".brine";
        try {
            const brine::AnyModel m = brine::load_any(path);
            if (!(m == c.model)) {
                std::printf("%s: FAIL: loaded model differs from the one this build constructs\n",
                            c.name.c_str());
                ++failures;
            }
            // What this build computes for the stored rows, against what the writer stored.
            const brine::Reference r = brine::inspect(path).reference;
            const brine::RowMatrix got = std::visit(
                [&](const auto& x) {
                    return brine::detail::reference_outputs(x, Eigen::MatrixXd(r.inputs));
                },
                m.variant());
            long long n = 0;
            double worst = 0;
            for (Eigen::Index i = 0; i < got.size(); ++i) {
                const double a = got.data()[i], b = r.outputs.data()[i];
                if (std::memcmp(&a, &b, sizeof a) != 0) ++n;
                worst = std::max(worst, std::abs(a - b));
            }
            differing += n;
            std::printf(
                "%s: loaded; %lld of %lld outputs differ in their bits from the writer's "
                "(largest difference %.3g)\n",
                c.name.c_str(), n, static_cast<long long>(got.size()), worst);
        } catch (const brine::Error& e) {
            std::printf("%s: FAIL: %s\n", c.name.c_str(), e.what());
            ++failures;
        }
        try {
            (void)brine::load_any(dir + "/" + c.name + "_changed.brine");
            std::printf("%s_changed: FAIL: loaded, a changed coefficient went unnoticed\n",
                        c.name.c_str());
            ++failures;
        } catch (const brine::Error& e) {
            const bool ok = e.code() == brine::Errc::reference_mismatch;
            std::printf("%s_changed: %s: %s\n", c.name.c_str(), ok ? "refused" : "FAIL", e.what());
            failures += ok ? 0 : 1;
        }
    }
    std::printf("outputs differing in their bits from the writer's: %lld\n", differing);
    return failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(BRINE_CROSSBUILD_NEEDS_AVX2)
    if (!__builtin_cpu_supports("avx2")) {
        std::printf("this processor has no AVX2: skipped\n");
        return 77;
    }
#endif
    if (argc == 3 && std::strcmp(argv[1], "write") == 0) return write(argv[2]);
    if (argc == 3 && std::strcmp(argv[1], "read") == 0) return read(argv[2]);
    std::fprintf(stderr, "usage: %s write|read DIR\n", argv[0]);
    return 2;
}
