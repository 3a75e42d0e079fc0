// Compile-time cost of a predicting program that knows its model's kind and reads binary files
// only: brine/binary.hpp (no JSON reader or writer) and brine::binary::load, then predict.
#include <brine/binary.hpp>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const brine::LogisticRegression m = brine::binary::load<brine::LogisticRegression>(argv[1]);
    return m.predict(Eigen::MatrixXd::Zero(1, m.n_features()))(0) > 0 ? 0 : 1;
}
