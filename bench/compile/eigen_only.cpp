// Compile-time baseline: Eigen alone, as any program using brine already pays for.
#include <Eigen/Core>

int main(int argc, char**) {
    Eigen::VectorXd a = Eigen::VectorXd::Constant(50, argc), b = Eigen::VectorXd::Ones(50);
    return a.dot(b) > 0 ? 0 : 1;
}
