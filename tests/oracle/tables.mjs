// The oracle's tables, made in DuckDB from hash() so that they are the same on every machine:
// TPC-H-shaped customer, orders and lineitem (TPC-H's columns and cardinalities at a scale
// factor, not dbgen's value distributions), and small tables that each stress one thing: null
// and duplicate join keys, an empty table, a skewed key, strings with quotes, commas and line
// breaks.
export async function makeTables(con, sf) {
  const nord = Math.max(1, Math.round(1500000 * sf)), ncust = Math.max(1, Math.round(150000 * sf));
  await con.run(`create table customer as select i as c_custkey, 'Customer#' || lpad(i::varchar, 9, '0') as c_name,
    (hash(i, 1) % 25)::int as c_nationkey, round(((hash(i, 2) % 1099999)::bigint - 99999) / 100.0, 2)::double as c_acctbal,
    ['AUTOMOBILE','BUILDING','FURNITURE','MACHINERY','HOUSEHOLD'][1 + (hash(i, 3) % 5)::int] as c_mktsegment
    from range(1, ${ncust} + 1) t(i)`);
  await con.run(`create table orders0 as select i * 4 - 3 as o_orderkey, 1 + (hash(i, 4) % ${ncust})::bigint as o_custkey,
    ['F','O','P'][1 + (hash(i, 5) % 3)::int] as o_orderstatus,
    (date '1992-01-01' + ((hash(i, 6) % 2406)::int))::date as o_orderdate,
    ['1-URGENT','2-HIGH','3-MEDIUM','4-NOT SPECIFIED','5-LOW'][1 + (hash(i, 7) % 5)::int] as o_orderpriority,
    0::int as o_shippriority, (1 + hash(i, 8) % 7)::int as nlines
    from range(1, ${nord} + 1) t(i)`);
  await con.run(`create table lineitem as select o_orderkey as l_orderkey,
    1 + (hash(o_orderkey, n, 9) % ${Math.max(1, Math.round(200000 * sf))})::bigint as l_partkey,
    n as l_linenumber, (1 + hash(o_orderkey, n, 10) % 50)::double as l_quantity,
    round((900 + hash(o_orderkey, n, 11) % 100000 / 100.0) * (1 + hash(o_orderkey, n, 10) % 50), 2)::double as l_extendedprice,
    ((hash(o_orderkey, n, 12) % 11) / 100.0)::double as l_discount, ((hash(o_orderkey, n, 13) % 9) / 100.0)::double as l_tax,
    (o_orderdate + (1 + hash(o_orderkey, n, 14) % 121)::int)::date as l_shipdate,
    ['N','R','A'][1 + (hash(o_orderkey, n, 15) % 3)::int] as l_returnflag, ['O','F'][1 + (hash(o_orderkey, n, 16) % 2)::int] as l_linestatus,
    ['TRUCK','MAIL','REG AIR','AIR','FOB','RAIL','SHIP'][1 + (hash(o_orderkey, n, 17) % 7)::int] as l_shipmode,
    'comment ' || (hash(o_orderkey, n, 18) % 100000)::varchar as l_comment
    from orders0, range(1, 8) r(n) where n <= nlines`);
  await con.run(`create table orders as select o.* exclude (nlines), round(t.tp, 2) as o_totalprice from orders0 o
    join (select l_orderkey, sum(l_extendedprice) tp from lineitem group by 1) t on o_orderkey = l_orderkey order by o_orderkey`);
  await con.run(`drop table orders0`);

  await con.run(`create table t_left as select i::int as id,
    case when i % 11 = 0 then null else (hash(i, 21) % 40)::bigint end as k,
    case when i % 13 = 0 then null else ['red', 'green', 'blue', 'a,b', 'say "hi"'][1 + (hash(i, 22) % 5)::int] end as g,
    case when i % 7 = 0 then null else round((hash(i, 23) % 10000) / 100.0, 2)::double end as x,
    case when i % 17 = 0 then null else (hash(i, 24) % 5)::int end as n
    from range(1, 301) t(i)`);
  await con.run(`create table t_right as select i::int as rid,
    case when i % 9 = 0 then null else (hash(i, 25) % 50)::bigint end as k,
    case when i % 10 = 0 then null when i % 10 = 1 then '' else 'r' || (hash(i, 26) % 20)::varchar end as y,
    (hash(i, 27) % 100)::int as z
    from range(1, 151) t(i)`);
  await con.run(`create table t_empty (k bigint, v varchar)`);
  await con.run(`create table t_skew as select i::int as id, case when i % 10 < 9 then 7 else (hash(i, 28) % 1000)::bigint end as k,
    (hash(i, 29) % 1000)::bigint as v from range(1, 20001) t(i)`);
  await con.run(`create table t_text as select * from (values (1, 'plain'), (2, 'with, comma'), (3, 'with "quote"'),
    (4, 'line' || chr(10) || 'break'), (5, ''), (6, null), (7, '  padded  '), (8, 'tab' || chr(9) || 'inside'),
    (9, 'crlf' || chr(13) || chr(10) || 'x'), (10, '"')) v(id, s)`);
}

export const TABLES = ['customer', 'orders', 'lineitem', 't_left', 't_right', 't_empty', 't_skew', 't_text'];
