// Stand-ins for the shop's real services (payments, warehouse, mail, analytics).

export const payments = {
  async charge(customerId: string, amountCents: number) {
    return { id: `ch_${customerId}_${amountCents}`, status: "succeeded" as const };
  },
  async refund(orderId: string, amountCents: number) {
    return { id: `re_${orderId}`, amountCents };
  },
};

export const warehouse = {
  async reserve(orderId: string, skus: string[]) {
    return { reservationId: `res_${orderId}`, count: skus.length };
  },
  async stockLevels() {
    return [{ sku: "MUG-01", available: 12 }, { sku: "TEE-02", available: 0 }];
  },
};

export const storefront = {
  async updateStock(levels: { sku: string; available: number }[]) {
    return { updated: levels.length };
  },
};

export const mail = {
  async send(to: string, template: string, data: Record<string, unknown>) {
    return { messageId: `msg_${template}_${to}`, data };
  },
};

export const analytics = {
  async revenueFor(region: string, date: string) {
    return { region, date, revenueCents: 125_000, orders: 42 };
  },
  async upload(name: string, body: string) {
    return { url: `https://reports.example.com/${name}`, bytes: body.length };
  },
};

export const loyalty = {
  async award(customerId: string, points: number) {
    return { customerId, points };
  },
};
