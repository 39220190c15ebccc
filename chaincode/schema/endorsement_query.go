package schema

// QueryOnTrustee: evaluated, never submitted, on the trustee's peer: the
// query reads registries of several banks (a transfer check between two
// custodians, the list of holders), and only the trustee's peer holds them
// all. Resolve gives the trustee organisations.
const QueryOnTrustee Endorsers = "query:trustee"
