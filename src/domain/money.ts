/** An amount in fen (分), the providers' unit. Never a float. */
export type Fen = number;
