// The tree-growing core of brine::train's random forests, extra trees and gradient boosting:
// scikit-learn 1.2's depth-first tree builder, its best and random splitters and its Gini,
// squared-error and Friedman squared-error criteria, on float32-rounded features.
// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "brine/models/decision_tree.hpp"
#include "brine/train/checks.hpp"

namespace brine::train {

/// The number of features a split considers, as scikit-learn's `max_features`: every feature,
/// `max(1, int(sqrt(d)))`, `max(1, int(log2(d)))`, a count, or `max(1, int(fraction * d))`.
struct MaxFeatures {
    enum class Rule { all, sqrt, log2, count, fraction };
    Rule rule = Rule::all;
    double value = 0.0;  ///< the count or the fraction

    static MaxFeatures all() { return {}; }
    static MaxFeatures square_root() { return {Rule::sqrt, 0.0}; }
    static MaxFeatures log_2() { return {Rule::log2, 0.0}; }
    static MaxFeatures count(int n) { return {Rule::count, static_cast<double>(n)}; }
    static MaxFeatures fraction(double f) { return {Rule::fraction, f}; }

    /// The count for d features (d >= 1), in [1, d].
    Eigen::Index resolve(Eigen::Index d) const {
        double n = static_cast<double>(d);
        switch (rule) {
            case Rule::all: break;
            case Rule::sqrt: n = std::floor(std::sqrt(static_cast<double>(d))); break;
            case Rule::log2: n = std::floor(std::log2(static_cast<double>(d))); break;
            case Rule::count: n = value; break;
            case Rule::fraction: n = std::floor(value * static_cast<double>(d)); break;
        }
        return std::min<Eigen::Index>(d, std::max<Eigen::Index>(1, static_cast<Eigen::Index>(n)));
    }

    std::string text() const {
        switch (rule) {
            case Rule::all: return "all";
            case Rule::sqrt: return "sqrt";
            case Rule::log2: return "log2";
            case Rule::count: return detail::number_text(static_cast<int>(value));
            case Rule::fraction: return detail::number_text(value);
        }
        return "all";
    }

    /// Throws Error(Errc::invalid_argument) for a count < 1 or a fraction outside (0, 1].
    void validate(const char* fn) const {
        if (rule == Rule::count && !(value >= 1.0 && value <= 2147483647.0)) {
            detail::invalid(fn,
                            "max_features count must be >= 1, is " + detail::number_text(value));
        }
        if (rule == Rule::fraction && !(value > 0.0 && value <= 1.0)) {
            detail::invalid(
                fn, "max_features fraction must be in (0, 1], is " + detail::number_text(value));
        }
    }
};

namespace detail {

/// The features as scikit-learn's tree ensembles see them: rounded to float32, column-major.
struct Float32Features {
    Eigen::Index rows = 0, cols = 0;
    std::vector<float> values;

    explicit Float32Features(const Eigen::Ref<const Eigen::MatrixXd>& X)
        : rows(X.rows()), cols(X.cols()), values(static_cast<std::size_t>(X.size())) {
        for (Eigen::Index j = 0; j < cols; ++j)
            for (Eigen::Index i = 0; i < rows; ++i)
                values[static_cast<std::size_t>(j * rows + i)] = static_cast<float>(X(i, j));
    }
    float operator()(Eigen::Index i, Eigen::Index j) const {
        return values[static_cast<std::size_t>(j * rows + i)];
    }
};

/// The leaf a training row reaches: scikit-learn's walk, `float32(x) <= threshold` goes left.
template <class = void>
std::int32_t leaf_of_row(const DecisionTree& t, const Float32Features& X, Eigen::Index row) {
    std::int32_t node = 0;
    while (t.children_left(node) != DecisionTree::leaf) {
        const double x = static_cast<double>(X(row, t.feature(node)));
        node = x <= t.threshold(node) ? t.children_left(node) : t.children_right(node);
    }
    return node;
}

/// numpy's legacy `RandomState(seed)`: MT19937 seeded as numpy seeds it (std::mt19937 is the same
/// generator with the same seeding), `randint` by masked rejection on 32-bit draws and
/// `random_sample` from two draws, so a seed gives scikit-learn's streams.
class NumpyRandom {
public:
    explicit NumpyRandom(std::uint32_t seed) : engine_(seed) {}
    /// `randint(0, high)` for 1 <= high <= 2^32: uniform in [0, high).
    std::uint32_t randint(std::uint64_t high) {
        const std::uint64_t range = high - 1;
        if (range == 0) return 0;
        std::uint32_t mask = static_cast<std::uint32_t>(range);
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        std::uint32_t v;
        do v = static_cast<std::uint32_t>(engine_()) & mask;
        while (v > range);
        return v;
    }
    /// `random_sample()`: uniform in [0, 1) with 53 bits.
    double random_sample() {
        const auto a = static_cast<std::uint32_t>(engine_()) >> 5;
        const auto b = static_cast<std::uint32_t>(engine_()) >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }
    /// scikit-learn's seed for a tree or a splitter: `randint(0, 2^31 - 1)`.
    std::uint32_t tree_seed() { return randint(0x7FFFFFFFu); }

private:
    std::mt19937 engine_;
};

/// The splitter's own generator (scikit-learn's `our_rand_r`, a 32-bit xorshift), seeded with a
/// NumpyRandom::tree_seed(): it orders the features and draws extra-trees thresholds.
class SplitterRandom {
public:
    explicit SplitterRandom(std::uint32_t seed) : state_(seed) {}
    static constexpr std::uint32_t rand_max = 0x7FFFFFFFu;
    std::uint32_t next() {
        if (state_ == 0) state_ = 1;
        state_ ^= state_ << 13;
        state_ ^= state_ >> 17;
        state_ ^= state_ << 5;
        return state_ % (rand_max + 1u);
    }
    /// Uniform in [low, high), high > low.
    Eigen::Index integer(Eigen::Index low, Eigen::Index high) {
        return low + static_cast<Eigen::Index>(next() % static_cast<std::uint64_t>(high - low));
    }
    /// In [low, high] (high itself with probability 2^-31).
    double uniform(double low, double high) {
        return (high - low) * static_cast<double>(next()) / static_cast<double>(rand_max) + low;
    }

private:
    std::uint32_t state_;
};

enum class Criterion { gini, squared_error, friedman_mse };

struct GrowerOptions {
    int max_depth = std::numeric_limits<int>::max();
    Eigen::Index min_samples_split = 2;
    Eigen::Index min_samples_leaf = 1;
    Eigen::Index max_features = 0;  ///< resolved count, in [1, d]
    bool random_splits = false;     ///< extra trees: one random threshold per feature
    Criterion criterion = Criterion::squared_error;
};

/// One tree, grown as scikit-learn 1.2's DepthFirstTreeBuilder with BestSplitter or
/// RandomSplitter. Samples of weight 0 take no part (scikit-learn's bootstrap and subsample are
/// weights). Classifier nodes hold class proportions of the weighted counts; regression nodes the
/// weighted mean target.
template <class = void>
class EnsembleGrower {
public:
    /// scikit-learn's FEATURE_THRESHOLD: a float32, added to float32 values in float32 (so
    /// above 1 it is one float32 step or none).
    static constexpr float feature_threshold = 1e-7f;

    EnsembleGrower(const Float32Features& X, const GrowerOptions& options, const int* label,
                   Eigen::Index n_classes, const double* target)
        : X_(X), options_(options), label_(label), n_classes_(n_classes), target_(target) {}

    DecisionTree grow(const std::vector<double>& weight, SplitterRandom& random) {
        weight_ = &weight;
        random_ = &random;
        samples_.clear();
        for (Eigen::Index i = 0; i < X_.rows; ++i)
            if (weight[static_cast<std::size_t>(i)] != 0.0) samples_.push_back(i);
        xf_.resize(samples_.size());
        features_.resize(static_cast<std::size_t>(X_.cols));
        std::iota(features_.begin(), features_.end(), 0);
        constant_features_.assign(static_cast<std::size_t>(X_.cols), 0);
        const std::size_t width = classifier() ? static_cast<std::size_t>(n_classes_) : 1;
        sum_total_.assign(width, 0.0);
        sum_left_.assign(width, 0.0);
        sum_right_.assign(width, 0.0);
        left_.clear();
        right_.clear();
        node_samples_.clear();
        feature_.clear();
        threshold_.clear();
        values_.clear();

        struct Pending {
            Eigen::Index start, end;
            int depth;
            std::int32_t parent;
            bool is_left;
            double impurity;
            Eigen::Index n_constants;
        };
        const auto n = static_cast<Eigen::Index>(samples_.size());
        std::vector<Pending> stack;
        stack.push_back({0, n, 0, -1, false, std::numeric_limits<double>::infinity(), 0});
        bool first = true;
        while (!stack.empty()) {
            Pending p = std::move(stack.back());
            stack.pop_back();
            init(p.start, p.end);
            const Eigen::Index count = p.end - p.start;
            bool leaf = p.depth >= options_.max_depth || count < options_.min_samples_split ||
                        count < 2 * options_.min_samples_leaf;
            if (first) {
                p.impurity = node_impurity();
                first = false;
            }
            leaf = leaf || p.impurity <= std::numeric_limits<double>::epsilon();
            Split split;
            split.pos = p.end;
            if (!leaf) {
                split = node_split(p.start, p.end, p.impurity, p.n_constants);
                leaf = split.pos >= p.end ||
                       split.improvement + std::numeric_limits<double>::epsilon() < 0.0;
            }
            const auto id = static_cast<std::int32_t>(left_.size());
            if (p.parent >= 0)
                (p.is_left ? left_ : right_)[static_cast<std::size_t>(p.parent)] = id;
            left_.push_back(DecisionTree::leaf);
            right_.push_back(DecisionTree::leaf);
            node_samples_.push_back(count);
            feature_.push_back(leaf ? -2 : split.feature);
            threshold_.push_back(leaf ? -2.0 : split.threshold);
            // node_value, from the statistics of init() (node_split leaves them unchanged).
            if (classifier()) {
                for (double c : sum_total_) values_.push_back(c / weighted_n_);
            } else {
                values_.push_back(sum_total_[0] / weighted_n_);
            }
            if (leaf) continue;
            stack.push_back({split.pos, p.end, p.depth + 1, id, false, split.impurity_right,
                             split.n_constants});
            stack.push_back({p.start, split.pos, p.depth + 1, id, true, split.impurity_left,
                             split.n_constants});
        }

        DecisionTree t;
        t.task = classifier() ? DecisionTree::Task::classification : DecisionTree::Task::regression;
        t.n_features_in = static_cast<std::int32_t>(X_.cols);
        const auto nodes = static_cast<Eigen::Index>(left_.size());
        t.children_left = Eigen::Map<const IndexVector>(left_.data(), nodes);
        t.children_right = Eigen::Map<const IndexVector>(right_.data(), nodes);
        t.feature = Eigen::Map<const IndexVector>(feature_.data(), nodes);
        t.threshold = Eigen::Map<const Eigen::VectorXd>(threshold_.data(), nodes);
        t.value =
            Eigen::Map<const RowMatrix>(values_.data(), nodes, static_cast<Eigen::Index>(width));
        return t;
    }

    /// After grow(): per node, 1 where a missing value goes left: to the child that held more
    /// training samples, ties right (scikit-learn >= 1.3's rule for a node that saw no missing
    /// value); 0 at leaves.
    std::vector<std::uint8_t> default_left() const {
        std::vector<std::uint8_t> out(left_.size(), 0);
        for (std::size_t i = 0; i < left_.size(); ++i) {
            if (left_[i] == DecisionTree::leaf) continue;
            out[i] = node_samples_[static_cast<std::size_t>(left_[i])] >
                     node_samples_[static_cast<std::size_t>(right_[i])];
        }
        return out;
    }

private:
    struct Split {
        std::int32_t feature = -1;
        Eigen::Index pos = 0;  ///< samples_[start, pos) go left
        double threshold = 0.0;
        double improvement = -std::numeric_limits<double>::infinity();
        double impurity_left = 0.0, impurity_right = 0.0;
        Eigen::Index n_constants = 0;  ///< features known constant in the children
    };

    bool classifier() const { return target_ == nullptr; }
    double w(Eigen::Index sample) const { return (*weight_)[static_cast<std::size_t>(sample)]; }

    /// Adds sample s's contribution (sign +1 or -1) to sum_left_; scikit-learn's arithmetic.
    void move_left(Eigen::Index s, double sign) {
        const double ws = w(s);
        if (classifier()) {
            sum_left_[static_cast<std::size_t>(label_[s])] += sign * ws;
        } else {
            sum_left_[0] += sign * (ws * target_[s]);
        }
        weighted_n_left_ += sign * ws;
    }

    /// Criterion.init: the node's totals over samples_[start, end), in sample order.
    void init(Eigen::Index start, Eigen::Index end) {
        start_ = start;
        end_ = end;
        std::fill(sum_total_.begin(), sum_total_.end(), 0.0);
        sq_sum_total_ = 0.0;
        weighted_n_ = 0.0;
        for (Eigen::Index p = start; p < end; ++p) {
            const Eigen::Index s = samples_[static_cast<std::size_t>(p)];
            const double ws = w(s);
            if (classifier()) {
                sum_total_[static_cast<std::size_t>(label_[s])] += ws;
            } else {
                const double wy = ws * target_[s];
                sum_total_[0] += wy;
                sq_sum_total_ += wy * target_[s];
            }
            weighted_n_ += ws;
        }
        reset();
    }

    void reset() {
        pos_ = start_;
        std::fill(sum_left_.begin(), sum_left_.end(), 0.0);
        sum_right_ = sum_total_;
        weighted_n_left_ = 0.0;
        weighted_n_right_ = weighted_n_;
    }

    /// Criterion.update: moves [pos_, new_pos) left, walking from whichever end is nearer.
    void update(Eigen::Index new_pos) {
        if (new_pos - pos_ <= end_ - new_pos) {
            for (Eigen::Index p = pos_; p < new_pos; ++p)
                move_left(samples_[static_cast<std::size_t>(p)], 1.0);
        } else {
            sum_left_ = sum_total_;  // reverse_reset
            weighted_n_left_ = weighted_n_;
            for (Eigen::Index p = end_ - 1; p >= new_pos; --p)
                move_left(samples_[static_cast<std::size_t>(p)], -1.0);
        }
        weighted_n_right_ = weighted_n_ - weighted_n_left_;
        for (std::size_t k = 0; k < sum_total_.size(); ++k)
            sum_right_[k] = sum_total_[k] - sum_left_[k];
        pos_ = new_pos;
    }

    static double gini(const std::vector<double>& counts, double n) {
        double sq = 0.0;
        for (double c : counts) sq += c * c;
        return 1.0 - sq / (n * n);
    }

    double node_impurity() const {
        if (classifier()) return gini(sum_total_, weighted_n_);
        const double mean = sum_total_[0] / weighted_n_;
        return sq_sum_total_ / weighted_n_ - mean * mean;
    }

    double proxy_improvement() const {
        switch (options_.criterion) {
            case Criterion::gini:
                return -weighted_n_right_ * gini(sum_right_, weighted_n_right_) -
                       weighted_n_left_ * gini(sum_left_, weighted_n_left_);
            case Criterion::squared_error:
                return sum_left_[0] * sum_left_[0] / weighted_n_left_ +
                       sum_right_[0] * sum_right_[0] / weighted_n_right_;
            case Criterion::friedman_mse: {
                const double diff =
                    weighted_n_right_ * sum_left_[0] - weighted_n_left_ * sum_right_[0];
                return diff * diff / (weighted_n_left_ * weighted_n_right_);
            }
        }
        return 0.0;
    }

    /// children_impurity and impurity_improvement after update(split.pos).
    void finish_split(Split& split, double impurity) const {
        if (classifier()) {
            split.impurity_left = gini(sum_left_, weighted_n_left_);
            split.impurity_right = gini(sum_right_, weighted_n_right_);
        } else {
            double sq_left = 0.0;
            for (Eigen::Index p = start_; p < pos_; ++p) {
                const Eigen::Index s = samples_[static_cast<std::size_t>(p)];
                sq_left += w(s) * target_[s] * target_[s];
            }
            const double sq_right = sq_sum_total_ - sq_left;
            const double ml = sum_left_[0] / weighted_n_left_;
            const double mr = sum_right_[0] / weighted_n_right_;
            split.impurity_left = sq_left / weighted_n_left_ - ml * ml;
            split.impurity_right = sq_right / weighted_n_right_ - mr * mr;
        }
        if (options_.criterion == Criterion::friedman_mse) {
            const double diff = weighted_n_right_ * sum_left_[0] - weighted_n_left_ * sum_right_[0];
            split.improvement = diff * diff / (weighted_n_left_ * weighted_n_right_ * weighted_n_);
        } else {
            // weighted_n_node_samples / weighted_n_samples times the impurity decrease; the
            // factor is positive and the test against 0 only needs the sign.
            split.improvement = impurity - weighted_n_right_ / weighted_n_ * split.impurity_right -
                                weighted_n_left_ / weighted_n_ * split.impurity_left;
        }
    }

    /// a + b rounded to float32 (volatile: no wider evaluation).
    static float float_sum(float a, float b) {
        volatile float s = a + b;
        return s;
    }

    static void swap_pair(float* xf, Eigen::Index* samples, Eigen::Index i, Eigen::Index j) {
        std::swap(xf[i], xf[j]);
        std::swap(samples[i], samples[j]);
    }

    static float median3(const float* xf, Eigen::Index n) {
        const float a = xf[0], b = xf[n / 2], c = xf[n - 1];
        if (a < b) {
            if (b < c) return b;
            return a < c ? c : a;
        }
        if (b < c) return a < c ? a : c;
        return b;
    }

    static void sift_down(float* xf, Eigen::Index* samples, Eigen::Index start, Eigen::Index end) {
        Eigen::Index root = start;
        while (true) {
            const Eigen::Index child = root * 2 + 1;
            Eigen::Index maxind = root;
            if (child < end && xf[maxind] < xf[child]) maxind = child;
            if (child + 1 < end && xf[maxind] < xf[child + 1]) maxind = child + 1;
            if (maxind == root) break;
            swap_pair(xf, samples, root, maxind);
            root = maxind;
        }
    }

    static void heapsort(float* xf, Eigen::Index* samples, Eigen::Index n) {
        for (Eigen::Index start = (n - 2) / 2;; --start) {
            sift_down(xf, samples, start, n);
            if (start == 0) break;
        }
        for (Eigen::Index end = n - 1; end > 0; --end) {
            swap_pair(xf, samples, 0, end);
            sift_down(xf, samples, 0, end);
        }
    }

    /// scikit-learn's introsort of (xf, samples) by xf: median-of-3 pivot, three-way partition,
    /// heapsort below the depth limit.
    static void introsort(float* xf, Eigen::Index* samples, Eigen::Index n, int maxd) {
        while (n > 1) {
            if (maxd <= 0) {
                heapsort(xf, samples, n);
                return;
            }
            --maxd;
            const float pivot = median3(xf, n);
            Eigen::Index i = 0, l = 0, r = n;
            while (i < r) {
                if (xf[i] < pivot) {
                    swap_pair(xf, samples, i++, l++);
                } else if (xf[i] > pivot) {
                    swap_pair(xf, samples, i, --r);
                } else {
                    ++i;
                }
            }
            introsort(xf, samples, l, maxd);
            xf += r;
            samples += r;
            n -= r;
        }
    }

    /// Moves the samples with x[feature] <= threshold to the front of [start, end); returns the
    /// first position of the rest. scikit-learn's swap-with-the-end loop.
    Eigen::Index partition(Eigen::Index start, Eigen::Index end, std::int32_t feature,
                           double threshold) {
        Eigen::Index p = start, partition_end = end;
        while (p < partition_end) {
            if (static_cast<double>(X_(samples_[static_cast<std::size_t>(p)], feature)) <=
                threshold) {
                ++p;
            } else {
                --partition_end;
                std::swap(samples_[static_cast<std::size_t>(p)],
                          samples_[static_cast<std::size_t>(partition_end)]);
            }
        }
        return partition_end;
    }

    /// BestSplitter / RandomSplitter.node_split: features are drawn in random order until
    /// max_features non-constant ones were seen (features constant in an ancestor are skipped);
    /// the largest proxy improvement wins, the first drawn winning a tie.
    Split node_split(Eigen::Index start, Eigen::Index end, double impurity, Eigen::Index n_known) {
        // features_ and constant_features_ persist from node to node, as scikit-learn's: the
        // first n_known entries of features_ are the features constant in this node's ancestors.
        const Eigen::Index d = X_.cols;
        Eigen::Index f_i = d, n_drawn_constants = 0, n_found_constants = 0,
                     n_total_constants = n_known, n_visited = 0;
        Split best;
        best.pos = end;
        double best_proxy = -std::numeric_limits<double>::infinity();
        std::int32_t last_feature = -1;
        const Eigen::Index n = end - start;
        auto feat = [this](Eigen::Index i) -> std::int32_t& {
            return features_[static_cast<std::size_t>(i)];
        };

        while (f_i > n_total_constants && (n_visited < options_.max_features ||
                                           n_visited <= n_found_constants + n_drawn_constants)) {
            ++n_visited;
            Eigen::Index f_j = random_->integer(n_drawn_constants, f_i - n_found_constants);
            if (f_j < n_known) {
                std::swap(feat(n_drawn_constants), feat(f_j));
                ++n_drawn_constants;
                continue;
            }
            f_j += n_found_constants;
            const std::int32_t f = feat(f_j);
            last_feature = f;  // scikit-learn's current.feature, constant or not

            if (!options_.random_splits) {
                // Sort the node's samples by this feature with scikit-learn's introsort: the
                // order of equal values decides the order of the sums, hence the last bits of
                // tied improvements.
                for (Eigen::Index p = start; p < end; ++p)
                    xf_[static_cast<std::size_t>(p)] = X_(samples_[static_cast<std::size_t>(p)], f);
                if (n > 0) {
                    introsort(xf_.data() + start, samples_.data() + start, n,
                              2 * static_cast<int>(std::log(static_cast<double>(n))));
                }
                if (xf_[static_cast<std::size_t>(end - 1)] <=
                    float_sum(xf_[static_cast<std::size_t>(start)], feature_threshold)) {
                    std::swap(feat(f_j), feat(n_total_constants));
                    ++n_found_constants;
                    ++n_total_constants;
                    continue;
                }
                --f_i;
                std::swap(feat(f_i), feat(f_j));
                reset();
                const float* xf = xf_.data();
                Eigen::Index p = start;
                while (p < end) {
                    while (p + 1 < end && xf[p + 1] <= float_sum(xf[p], feature_threshold)) ++p;
                    ++p;
                    if (p >= end) break;
                    if (p - start < options_.min_samples_leaf ||
                        end - p < options_.min_samples_leaf)
                        continue;
                    update(p);
                    const double proxy = proxy_improvement();
                    if (proxy > best_proxy) {
                        best_proxy = proxy;
                        best.feature = f;
                        best.pos = p;
                        const double lo = static_cast<double>(xf[p - 1]);
                        const double hi = static_cast<double>(xf[p]);
                        double t = lo / 2.0 + hi / 2.0;
                        if (t == hi || std::isinf(t)) t = lo;
                        best.threshold = t;
                    }
                }
            } else {
                float lo = X_(samples_[static_cast<std::size_t>(start)], f), hi = lo;
                for (Eigen::Index p = start + 1; p < end; ++p) {
                    const float v = X_(samples_[static_cast<std::size_t>(p)], f);
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
                if (hi <= float_sum(lo, feature_threshold)) {
                    std::swap(feat(f_j), feat(n_total_constants));
                    ++n_found_constants;
                    ++n_total_constants;
                    continue;
                }
                --f_i;
                std::swap(feat(f_i), feat(f_j));
                const double dlo = lo, dhi = hi;
                double t = random_->uniform(dlo, dhi);
                if (t == dhi) t = dlo;
                const Eigen::Index pos = partition(start, end, f, t);
                if (pos - start < options_.min_samples_leaf ||
                    end - pos < options_.min_samples_leaf)
                    continue;
                reset();
                update(pos);
                const double proxy = proxy_improvement();
                if (proxy > best_proxy) {
                    best_proxy = proxy;
                    best.feature = f;
                    best.pos = pos;
                    best.threshold = t;
                }
            }
        }

        if (best.pos < end) {
            if (options_.random_splits ? last_feature != best.feature : true)
                partition(start, end, best.feature, best.threshold);
            reset();
            update(best.pos);
            finish_split(best, impurity);
        }
        // Constants found here are known to the children.
        // scikit-learn's invariant: features_[0, n_known) back in their order for the siblings;
        // the newly found constants recorded after them.
        std::copy(constant_features_.begin(), constant_features_.begin() + n_known,
                  features_.begin());
        std::copy(features_.begin() + n_known, features_.begin() + n_known + n_found_constants,
                  constant_features_.begin() + n_known);
        best.n_constants = n_total_constants;
        return best;
    }

    const Float32Features& X_;
    const GrowerOptions& options_;
    const int* label_;
    Eigen::Index n_classes_;
    const double* target_;
    const std::vector<double>* weight_ = nullptr;
    SplitterRandom* random_ = nullptr;

    std::vector<Eigen::Index> samples_;
    std::vector<float> xf_;
    std::vector<std::int32_t> features_;
    std::vector<std::int32_t> constant_features_;

    Eigen::Index start_ = 0, end_ = 0, pos_ = 0;
    std::vector<double> sum_total_, sum_left_, sum_right_;
    double sq_sum_total_ = 0.0, weighted_n_ = 0.0, weighted_n_left_ = 0.0, weighted_n_right_ = 0.0;

    std::vector<std::int32_t> left_, right_, feature_;
    std::vector<Eigen::Index> node_samples_;
    std::vector<double> threshold_, values_;
};

/// Runs job(i) for i in [0, n) on `threads` threads (each takes every threads-th index); the
/// jobs must be independent. A stripe whose thread cannot be started runs on the calling thread.
/// An exception from a job is rethrown here (the first stripe's first).
template <class Job>
void parallel_for(Eigen::Index n, int threads, const Job& job) {
    const Eigen::Index t = std::min<Eigen::Index>(std::max(1, threads), n);
    if (t <= 1) {
        for (Eigen::Index i = 0; i < n; ++i) job(i);
        return;
    }
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(t));
    auto stripe = [&](Eigen::Index k) {
        try {
            for (Eigen::Index i = k; i < n; i += t) job(i);
        } catch (...) {
            errors[static_cast<std::size_t>(k)] = std::current_exception();
        }
    };
    std::vector<std::thread> pool;
    std::vector<Eigen::Index> inline_stripes{0};
    for (Eigen::Index k = 1; k < t; ++k) {
        try {
            pool.emplace_back(stripe, k);
        } catch (...) {  // no thread available: this stripe runs here
            inline_stripes.push_back(k);
        }
    }
    for (Eigen::Index k : inline_stripes) stripe(k);
    for (auto& th : pool) th.join();
    for (auto& e : errors)
        if (e) std::rethrow_exception(e);
}

}  // namespace detail
}  // namespace brine::train
