// Package waterfalls keeps a deal's waterfall versions: the one writer of
// the waterfall~<deal>~<version> records and of the version the deal's
// servicing record puts in force. The arranger's Servicing:SetWaterfall
// writes through it before the first certified period; after that only an
// executed amendment (Amendment:Execute) does, through Amend, and the new
// version applies from the next certification, which runs the version the
// servicing record names.
//
// It may import txn, chaincode/schema and chaincode/core; never a contract.
package waterfalls
