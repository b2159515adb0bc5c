#define BOOST_TEST_MODULE limits
#include <boost/test/unit_test.hpp>
