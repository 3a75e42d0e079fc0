// Compile-time cost of a predicting program that knows its model's kind: load a binary file of
// that kind and predict.
#include <brine/brine.hpp>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const brine::LogisticRegression m = brine::load<brine::LogisticRegression>(argv[1]);
    return m.predict(Eigen::MatrixXd::Zero(1, m.n_features()))(0) > 0 ? 0 : 1;
}
