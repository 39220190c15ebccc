package schema

// Composite-key object types. Every key the contracts write is built from
// one of these, so a range over one type never sees another.
const (
	TypeRole        = "role"        // role~<MSP>~<ID>              public: roles.Set
	TypePool        = "pool"        // pool~<poolID>                public: Pool
	TypeLoan        = "loan"        // loan~<poolID>~<assetNumber>  loanTape: loan record
	TypeDeal        = "deal"        // deal~<dealID>                public: Deal
	TypeTranche     = "tranche"     // tranche~<trancheID>          public: Tranche (terms and supply)
	TypeTrancheBook = "tranchebook" // tranchebook~<trancheID>      public, kept by trustee: TrancheBook
	TypeHolderShard = "holdershard" // holdershard~<trancheID>~<nn> public, kept by trustee: HolderShard
	TypeClaims      = "claims"      // claims~<investorKey>         compliance: rules.Claims
	TypeDossier     = "dossier"     // dossier~<investorKey>        public: DossierRef; implicit: dossier
	TypePosition    = "pos"         // pos~<trancheID>~<holderKey>  registry<MSP>: Position
	TypeCash        = "cash"        // cash~<holderKey>             registry<MSP>: CashAccount
	TypeCashSupply  = "cashsupply"  // cashsupply                   public: CashSupply
	TypeCashBook    = "cashbook"    // cashbook                     public, kept by trustee: CashBook
	TypeCashFloat   = "cashfloat"   // cashfloat~<nn>               public, kept by trustee: CashBook (one shard of the float)
)
