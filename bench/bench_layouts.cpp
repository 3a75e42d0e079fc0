// Batch prediction from the layouts a serving program holds (row-major, float, raw pointer, into a
// caller's buffer) against the column-major double form, each measured in the same run, one
// thread. Self-contained: the models are built from a fixed seed, nothing is read from disk.
//
// Usage: brine_bench_layouts [--rows N] [--cols N] [--reps N] [--markdown]
// Every form is checked bit for bit against the column-major double form first. Each repetition
// runs every form of a model once, in turn, so a change in the machine's load hits all of them;
// the table gives each form's median time and the median of its per-repetition ratio
// (column-major double time / form time: above 1 is faster than column-major).
// SPDX-License-Identifier: MIT
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <brine/models.hpp>
#include <brine/train/tree.hpp>

namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Form {
    std::string name;
    std::function<const double*()> run;  // returns the first of its results
    std::vector<double> seconds = {};
    std::vector<double> ratios = {};
};

struct Case {
    std::string model;
    std::vector<Form> forms;  // forms[0] is the column-major double form
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Standard-normal features with per-column offsets and scales (what a scaler undoes).
Eigen::MatrixXd make_input(Eigen::Index rows, Eigen::Index cols, std::mt19937_64& rng) {
    std::normal_distribution<double> z;
    Eigen::MatrixXd X(rows, cols);
    for (Eigen::Index j = 0; j < cols; ++j)
        for (Eigen::Index i = 0; i < rows; ++i)
            X(i, j) =
                3.0 * static_cast<double>(j % 7) + (1.0 + static_cast<double>(j % 5)) * z(rng);
    return X;
}

brine::RowMatrix make_coef(Eigen::Index k, Eigen::Index cols, std::mt19937_64& rng) {
    std::normal_distribution<double> z;
    brine::RowMatrix c(k, cols);
    for (Eigen::Index r = 0; r < k; ++r)
        for (Eigen::Index j = 0; j < cols; ++j) c(r, j) = 0.1 * z(rng);
    return c;
}

/// The forms of one model: `vec` answers a returned vector or matrix for any input form, `into`
/// writes into a caller's buffer of `width` values per row.
template <class Predict, class Into>
Case make_case(const std::string& model, const Eigen::MatrixXd& X, const brine::RowMatrix& R,
               const RowMatrixF& F, Eigen::Index width, Predict vec, Into into) {
    using Result = decltype(vec(X));
    struct State {
        Result col, row, flt;
        std::vector<double> buf;
    };
    auto st = std::make_shared<State>();
    st->buf.resize(static_cast<std::size_t>(X.rows() * width));
    Case c{model, {}};
    c.forms.push_back({"column-major double (baseline)", [st, &X, vec] {
                           st->col = vec(X);
                           return st->col.data();
                       }});
    c.forms.push_back({"row-major double", [st, &R, vec] {
                           st->row = vec(R);
                           return st->row.data();
                       }});
    c.forms.push_back({"row-major double into buffer", [st, &R, into] {
                           into(brine::Rows(R.data(), R.rows(), R.cols()), st->buf);
                           return st->buf.data();
                       }});
    c.forms.push_back({"row-major float", [st, &F, vec] {
                           st->flt = vec(F);
                           return st->flt.data();
                       }});
    return c;
}

bool same_bits(const double* a, const double* b, std::size_t n) {
    return std::memcmp(a, b, n * sizeof(double)) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    Eigen::Index rows = 100000, cols = 50;
    int reps = 15;
    bool markdown = false;
    for (int a = 1; a < argc; ++a) {
        const std::string arg = argv[a];
        if (arg == "--rows" && a + 1 < argc) {
            rows = std::atol(argv[++a]);
        } else if (arg == "--cols" && a + 1 < argc) {
            cols = std::atol(argv[++a]);
        } else if (arg == "--reps" && a + 1 < argc) {
            reps = std::atoi(argv[++a]);
        } else if (arg == "--markdown") {
            markdown = true;
        } else {
            std::fprintf(stderr,
                         "usage: brine_bench_layouts [--rows N] [--cols N] [--reps N] "
                         "[--markdown]\n");
            return 2;
        }
    }

    std::mt19937_64 rng(2026);
    const Eigen::MatrixXd X = make_input(rows, cols, rng);
    const brine::RowMatrix R = X;
    const RowMatrixF F = X.cast<float>();
    const Eigen::MatrixXd XF = F.cast<double>();  // the values the float batch stands for

    const brine::LinearRegression linear(make_coef(1, cols, rng),
                                         Eigen::VectorXd::Constant(1, 0.3));
    const brine::LogisticRegression binary(
        make_coef(1, cols, rng), Eigen::VectorXd::Constant(1, -0.1), Eigen::Vector2d(0, 1));
    const brine::LogisticRegression multi(make_coef(3, cols, rng), Eigen::Vector3d(0.1, 0, -0.1),
                                          Eigen::Vector3d(0, 1, 2));
    brine::StandardScaler scaler;
    scaler.mean = X.colwise().mean().transpose();
    scaler.scale = ((X.rowwise() - scaler.mean.transpose()).array().square().colwise().mean())
                       .sqrt()
                       .transpose();
    const brine::Pipeline pipe({scaler}, binary);
    // An imputer, then a ColumnTransformer scaling the first half of the columns (read in place)
    // and min-max scaling the rest, then the binary logistic regression.
    const Eigen::Index half = cols / 2;
    brine::ColumnTransformer ct;
    ct.n_features_in = static_cast<std::int32_t>(cols);
    ct.branches.push_back(
        {"num",
         Eigen::VectorXi::LinSpaced(half, 0, static_cast<int>(half - 1)).cast<std::int32_t>(),
         brine::ColumnBranch::Action::steps,
         {brine::StandardScaler(scaler.mean.head(half), scaler.scale.head(half))}});
    ct.remainder = {
        "remainder",
        Eigen::VectorXi::LinSpaced(cols - half, static_cast<int>(half), static_cast<int>(cols - 1))
            .cast<std::int32_t>(),
        brine::ColumnBranch::Action::steps,
        {brine::MinMaxScaler(Eigen::VectorXd::Constant(cols - half, 0.25),
                             Eigen::VectorXd::Constant(cols - half, -0.5))}};
    const brine::Pipeline pipe_ct(
        {brine::SimpleImputer(brine::ImputeStrategy::mean, std::nan(""), scaler.mean), ct}, binary);
    brine::train::TreeRegressorOptions topt;
    topt.max_depth = 10;
    const Eigen::Index train_rows = std::min<Eigen::Index>(rows, 20000);
    const brine::DecisionTree tree = brine::train::decision_tree_regressor(
        X.topRows(train_rows), X.col(0).head(train_rows) + X.col(1).head(train_rows), topt);

    std::vector<Case> cases;
    cases.push_back(make_case(
        "LinearRegression predict", X, R, F, 1, [&](const auto& in) { return linear.predict(in); },
        [&](const brine::Rows& in, std::vector<double>& out) { linear.predict(in, out); }));
    cases.push_back(make_case(
        "LogisticRegression (binary) predict_proba", X, R, F, 2,
        [&](const auto& in) { return binary.predict_proba(in); },
        [&](const brine::Rows& in, std::vector<double>& out) { binary.predict_proba(in, out); }));
    cases.push_back(make_case(
        "LogisticRegression (3 classes) predict", X, R, F, 1,
        [&](const auto& in) { return multi.predict(in); },
        [&](const brine::Rows& in, std::vector<double>& out) { multi.predict(in, out); }));
    cases.push_back(make_case(
        "Pipeline (StandardScaler, LogisticRegression) predict_proba", X, R, F, 2,
        [&](const auto& in) { return pipe.predict_proba(in); },
        [&](const brine::Rows& in, std::vector<double>& out) { pipe.predict_proba(in, out); }));
    cases.push_back(make_case(
        "Pipeline (SimpleImputer, ColumnTransformer of two scalers, LogisticRegression) "
        "predict_proba",
        X, R, F, 2, [&](const auto& in) { return pipe_ct.predict_proba(in); },
        [&](const brine::Rows& in, std::vector<double>& out) { pipe_ct.predict_proba(in, out); }));
    cases.push_back(make_case(
        "DecisionTree (depth 10) predict", X, R, F, 1,
        [&](const auto& in) { return tree.predict(in); },
        [&](const brine::Rows& in, std::vector<double>& out) { tree.predict(in, out); }));

    // Bit identity first: every double form against the column-major one, floats against the
    // column-major form of the values they stand for.
    for (auto& c : cases) {
        const double* base = c.forms[0].run();
        const std::size_t n = static_cast<std::size_t>(rows);
        std::vector<double> want(base, base + n);  // the first column (or the values)
        for (std::size_t f = 1; f < c.forms.size(); ++f) {
            if (c.forms[f].name.find("float") != std::string::npos) continue;
            const double* got = c.forms[f].run();
            // buffer forms are row-major per sample; compare the first output of each row
            const bool buffer = c.forms[f].name.find("buffer") != std::string::npos;
            const std::size_t width =
                buffer
                    ? static_cast<std::size_t>(c.model.find("proba") != std::string::npos ? 2 : 1)
                    : 1;
            for (std::size_t i = 0; i < n; ++i) {
                if (!same_bits(&want[i], &got[i * width], 1)) {
                    std::fprintf(stderr, "%s, %s: row %zu differs from the column-major form\n",
                                 c.model.c_str(), c.forms[f].name.c_str(), i);
                    return 1;
                }
            }
        }
    }
    {  // float forms: the column-major double form of the same values
        const Eigen::VectorXd a = linear.predict(XF), b = linear.predict(F);
        if (!same_bits(a.data(), b.data(), static_cast<std::size_t>(rows))) {
            std::fprintf(stderr, "LinearRegression: the float form differs\n");
            return 1;
        }
    }

    using clock = std::chrono::steady_clock;
    for (int r = 0; r < reps + 1; ++r) {  // the first repetition warms up and is not counted
        for (auto& c : cases) {
            std::vector<double> t(c.forms.size());
            for (std::size_t f = 0; f < c.forms.size(); ++f) {
                const auto t0 = clock::now();
                volatile double sink = *c.forms[f].run();
                (void)sink;
                t[f] = std::chrono::duration<double>(clock::now() - t0).count();
            }
            if (r == 0) continue;
            for (std::size_t f = 0; f < c.forms.size(); ++f) {
                c.forms[f].seconds.push_back(t[f]);
                c.forms[f].ratios.push_back(t[0] / t[f]);
            }
        }
    }

    if (markdown) {
        std::printf(
            "| Model (%ld x %ld, median of %d) | Input form | Median ms | Ratio |\n"
            "|---|---|---:|---:|\n",
            static_cast<long>(rows), static_cast<long>(cols), reps);
    } else {
        std::printf(
            "%ld x %ld doubles, medians of %d repetitions; ratio = column-major double "
            "time / form time\n",
            static_cast<long>(rows), static_cast<long>(cols), reps);
    }
    for (const auto& c : cases) {
        for (const auto& f : c.forms) {
            const double ms = 1e3 * median(f.seconds), ratio = median(f.ratios);
            if (markdown) {
                std::printf("| %s | %s | %.2f | %.2f |\n", c.model.c_str(), f.name.c_str(), ms,
                            ratio);
            } else {
                std::printf("%-60s %-32s %9.2f ms  %5.2fx\n", c.model.c_str(), f.name.c_str(), ms,
                            ratio);
            }
        }
    }
    return 0;
}
