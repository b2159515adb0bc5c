#define BOOST_TEST_MODULE stdlib
#include <boost/test/unit_test.hpp>
