#define BOOST_TEST_MODULE interpreter
#include <boost/test/unit_test.hpp>
