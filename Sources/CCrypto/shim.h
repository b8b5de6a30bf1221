// SHA-256 through OpenSSL's direct functions (SHA256_Init, _Update, _Final). OpenSSL 3 marks
// them deprecated in favour of EVP, whose first use in a process loads the default provider
// and fills its tables of algorithm names: a millisecond and more of every run, measured,
// for a digest these functions compute with the same code. They stay in OpenSSL 3's API.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
