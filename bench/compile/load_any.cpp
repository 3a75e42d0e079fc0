// Compile-time cost of a predicting program that takes any model file: load_any (either encoding,
// any kind) and predict.
#include <brine/brine.hpp>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const brine::AnyModel m = brine::load_any(argv[1]);
    return m.predict(Eigen::MatrixXd::Zero(1, m.n_features()))(0) > 0 ? 0 : 1;
}
