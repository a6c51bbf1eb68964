-- CreateTable
CREATE TABLE "intents" (
    "id" TEXT NOT NULL,
    "opportunity_id" TEXT NOT NULL,
    "strategy" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "workflow_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "intents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "legs" (
    "id" TEXT NOT NULL,
    "intent_id" TEXT NOT NULL,
    "leg_id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "outcome" TEXT,
    "action" TEXT NOT NULL,
    "time_in_force" TEXT NOT NULL,
    "limit_price" DECIMAL(38,18) NOT NULL,
    "quantity" DECIMAL(38,18) NOT NULL,
    "filled_quantity" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "legs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "venue_orders" (
    "client_order_id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venue_order_id" TEXT,
    "intent_id" TEXT,
    "leg_id" TEXT,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "market" TEXT NOT NULL,
    "outcome" TEXT,
    "action" TEXT NOT NULL,
    "price" DECIMAL(38,18) NOT NULL,
    "quantity" DECIMAL(38,18) NOT NULL,
    "filled_quantity" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "state" TEXT NOT NULL,
    "execution_id" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "venue_orders_pkey" PRIMARY KEY ("client_order_id")
);

-- CreateTable
CREATE TABLE "fills" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "venue_trade_id" TEXT NOT NULL,
    "venue_order_id" TEXT,
    "client_order_id" TEXT,
    "intent_id" TEXT,
    "market" TEXT NOT NULL,
    "outcome" TEXT,
    "action" TEXT NOT NULL,
    "price" DECIMAL(38,18) NOT NULL,
    "quantity" DECIMAL(38,18) NOT NULL,
    "fee" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "liquidity" TEXT,
    "filled_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fills_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "positions" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT '',
    "quantity" DECIMAL(38,18) NOT NULL,
    "average_price" DECIMAL(38,18),
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "positions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "balances" (
    "id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "available" DECIMAL(38,18) NOT NULL,
    "total" DECIMAL(38,18) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "balances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "capital_reservations" (
    "id" TEXT NOT NULL,
    "intent_id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "amount" DECIMAL(38,18) NOT NULL,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMP(3),

    CONSTRAINT "capital_reservations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pnl_events" (
    "id" TEXT NOT NULL,
    "intent_id" TEXT,
    "venue" TEXT,
    "market" TEXT,
    "kind" TEXT NOT NULL,
    "amount" DECIMAL(38,18) NOT NULL,
    "fees" DECIMAL(38,18) NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL,
    "data" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pnl_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "intent_id" TEXT,
    "execution_id" TEXT,
    "data" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_runs" (
    "id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "summary" JSONB,

    CONSTRAINT "reconciliation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reconciliation_differences" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "venue" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "repaired" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reconciliation_differences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quarantine_records" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quarantine_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "operator_confirmations" (
    "id" TEXT NOT NULL,
    "operator" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operator_confirmations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "intents_opportunity_id_key" ON "intents"("opportunity_id");

-- CreateIndex
CREATE INDEX "intents_state_idx" ON "intents"("state");

-- CreateIndex
CREATE UNIQUE INDEX "legs_intent_id_leg_id_key" ON "legs"("intent_id", "leg_id");

-- CreateIndex
CREATE INDEX "venue_orders_venue_venue_order_id_idx" ON "venue_orders"("venue", "venue_order_id");

-- CreateIndex
CREATE INDEX "venue_orders_intent_id_idx" ON "venue_orders"("intent_id");

-- CreateIndex
CREATE INDEX "fills_client_order_id_idx" ON "fills"("client_order_id");

-- CreateIndex
CREATE UNIQUE INDEX "fills_venue_venue_trade_id_key" ON "fills"("venue", "venue_trade_id");

-- CreateIndex
CREATE UNIQUE INDEX "positions_venue_market_outcome_key" ON "positions"("venue", "market", "outcome");

-- CreateIndex
CREATE UNIQUE INDEX "balances_venue_asset_key" ON "balances"("venue", "asset");

-- CreateIndex
CREATE INDEX "capital_reservations_state_idx" ON "capital_reservations"("state");

-- CreateIndex
CREATE INDEX "capital_reservations_intent_id_idx" ON "capital_reservations"("intent_id");

-- CreateIndex
CREATE INDEX "pnl_events_intent_id_idx" ON "pnl_events"("intent_id");

-- CreateIndex
CREATE INDEX "audit_events_intent_id_idx" ON "audit_events"("intent_id");

-- CreateIndex
CREATE INDEX "audit_events_action_idx" ON "audit_events"("action");

-- CreateIndex
CREATE INDEX "reconciliation_differences_run_id_idx" ON "reconciliation_differences"("run_id");

-- CreateIndex
CREATE INDEX "quarantine_records_source_idx" ON "quarantine_records"("source");

-- CreateIndex
CREATE INDEX "operator_confirmations_action_idx" ON "operator_confirmations"("action");

-- AddForeignKey
ALTER TABLE "legs" ADD CONSTRAINT "legs_intent_id_fkey" FOREIGN KEY ("intent_id") REFERENCES "intents"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reconciliation_differences" ADD CONSTRAINT "reconciliation_differences_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
