#ifndef GITOPS_IDENTITY_COPENSSL_SHIM_H
#define GITOPS_IDENTITY_COPENSSL_SHIM_H
// OpenSSL for RS256 (JOSE) and test PKI. Composite macros and parameter-name strings are
// re-declared as constants here: Swift cannot import the macros, and OSSL_PARAM_BLD keeps
// the name pointer, so it must point at static storage.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

static const int COSSL_EVP_PKEY_PUBLIC_KEY = EVP_PKEY_PUBLIC_KEY;
static const int COSSL_EVP_PKEY_KEYPAIR = EVP_PKEY_KEYPAIR;
static const char *const COSSL_PKEY_PARAM_RSA_N = OSSL_PKEY_PARAM_RSA_N;
static const char *const COSSL_PKEY_PARAM_RSA_E = OSSL_PKEY_PARAM_RSA_E;

// ---- JOSE ----------------------------------------------------------------------------------
// Used by Sources/JOSE. OpenSSL keeps some name pointers past the call that receives them
// (EVP_PKEY_CTX_new_from_name stores the key type, OSSL_DECODER_CTX keeps the input type), so
// every name handed to OpenSSL points at static storage here, never at a Swift temporary.
#include <openssl/decoder.h>

static const char *const COSSL_JOSE_KEYTYPE_RSA = "RSA";
static const char *const COSSL_JOSE_INPUT_PEM = "PEM";
// ---- end JOSE ------------------------------------------------------------------------------

// ---- X509 (test PKI: Sources/PKI) ----------------------------------------------------------
// MBSTRING_UTF8 is a composite macro (MBSTRING_FLAG|1), which Swift does not import.
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
static const int COSSL_MBSTRING_UTF8 = MBSTRING_UTF8;
// ---- end X509 ------------------------------------------------------------------------------

#endif
