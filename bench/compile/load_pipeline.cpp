// Compile-time cost of a predicting program that loads a pipeline: load<Pipeline> (either
// encoding) and predict, which runs the pipeline's steps and estimator of every kind.
#include <brine/brine.hpp>

int main(int argc, char** argv) {
    if (argc < 2) return 2;
    const brine::Pipeline m = brine::load<brine::Pipeline>(argv[1]);
    return m.predict(Eigen::MatrixXd::Zero(1, m.n_features()))(0) > 0 ? 0 : 1;
}
