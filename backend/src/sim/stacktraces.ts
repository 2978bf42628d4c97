/**
 * Stack traces in the shapes real services print them, built from the service's own names so that each
 * faulty service has its own templates: Java (grpc-java servers) for the mid tier, Node.js (Express) for
 * the gateway, PL/pgSQL or Redis Lua errors for data stores. Line numbers are fixed per service, version
 * and operation, as in a real build, so one fault yields one repeated template.
 */
import { hash32 } from './random.ts';
import type { ServiceTier } from './topology.ts';

const JAVA_EXCEPTIONS = [
  'java.lang.NullPointerException',
  'java.lang.IllegalStateException',
  'java.lang.IndexOutOfBoundsException',
  'java.lang.ClassCastException',
  'java.lang.ArithmeticException',
];
const NODE_EXCEPTIONS = ['TypeError', 'RangeError', 'ReferenceError'];
const SQL_EXCEPTIONS = ['NotNullViolation', 'DivisionByZero', 'RaiseException'];
const LUA_EXCEPTIONS = ['ScriptError'];

/** Whether a data store speaks Redis (Lua scripts) rather than SQL (stored functions). */
function isKeyValueStore(service: string): boolean {
  return /redis|cache|kv/.test(service);
}

/** The exception classes a service's code can throw. */
export function exceptionClasses(tier: ServiceTier, service: string): readonly string[] {
  if (tier === 'gateway') {
    return NODE_EXCEPTIONS;
  }
  if (tier === 'data') {
    return isKeyValueStore(service) ? LUA_EXCEPTIONS : SQL_EXCEPTIONS;
  }
  return JAVA_EXCEPTIONS;
}

/** "redis-cart" → "RedisCart". */
export function className(service: string): string {
  return service
    .split(/[^a-zA-Z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

/** "PlaceOrder" → "placeOrder", "GET /product/{id}" → "getProduct", "SELECT products" → "selectProducts". */
export function methodName(operation: string): string {
  const words = operation
    .replace(/\{[^}]*\}/g, '')
    .split(/[^a-zA-Z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0) {
    return 'handle';
  }
  const camel = words.map((w, i) => {
    const lower = /^[A-Z0-9]+$/.test(w) ? w.toLowerCase() : w;
    return i === 0 ? lower[0]!.toLowerCase() + lower.slice(1) : lower[0]!.toUpperCase() + lower.slice(1);
  });
  return camel.join('');
}

/** The one-line message of an exception thrown in `service`'s `operation`. */
export function exceptionMessage(exceptionClass: string, service: string, operation: string): string {
  const entity = className(service);
  const field =
    className(methodName(operation).replace(/^(get|list|select|insert|update|place|send|empty)/, '')) || 'Items';
  const local = entity[0]!.toLowerCase() + entity.slice(1);
  switch (exceptionClass) {
    case 'java.lang.NullPointerException':
      return `Cannot invoke "${entity}Entity.get${field}()" because "${local}" is null`;
    case 'java.lang.IllegalStateException':
      return `${entity}Entity in unexpected state: PENDING`;
    case 'java.lang.IndexOutOfBoundsException':
      return 'Index 3 out of bounds for length 3';
    case 'java.lang.ClassCastException':
      return 'class java.lang.String cannot be cast to class java.lang.Long';
    case 'java.lang.ArithmeticException':
      return '/ by zero';
    case 'TypeError':
      return `Cannot read properties of undefined (reading '${field[0]!.toLowerCase() + field.slice(1)}')`;
    case 'RangeError':
      return 'Invalid array length';
    case 'ReferenceError':
      return `${local}Cache is not defined`;
    case 'NotNullViolation':
      return `null value in column "${field.toLowerCase()}" violates not-null constraint`;
    case 'DivisionByZero':
      return 'division by zero';
    case 'RaiseException':
      return `${local} ${field.toLowerCase()} check failed`;
    case 'ScriptError':
      return `attempt to index a nil value (local '${local}')`;
    default:
      return `${exceptionClass} in ${entity}.${methodName(operation)}`;
  }
}

/** Where the faulty method lives, for the first log line: "CheckoutService.placeOrder". */
export function faultyMethod(service: string, operation: string): string {
  return `${className(service)}Service.${methodName(operation)}`;
}

/**
 * The stack trace (without the header line) of `exceptionClass` thrown in `operation` of `service` at
 * `version`, in the tier's language.
 */
export function stackTrace(
  tier: ServiceTier,
  service: string,
  version: string,
  operation: string,
  exceptionClass: string
): string {
  const cls = className(service);
  const method = methodName(operation);
  const line = (k: string, lo: number, span: number): number =>
    lo + (hash32(0, 'line', service, version, operation, k) % span);
  const message = exceptionMessage(exceptionClass, service, operation);
  if (tier === 'gateway') {
    const file = service.replace(/[^a-z0-9]+/g, '-');
    return [
      `${exceptionClass}: ${message}`,
      `    at ${method}Handler (/app/src/handlers/${file}.js:${line('h', 20, 180)}:${line('hc', 5, 30)})`,
      `    at ${cls}Router.${method} (/app/src/routes/${file}.js:${line('r', 10, 90)}:${line('rc', 5, 30)})`,
      '    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)',
      '    at next (/app/node_modules/express/lib/router/route.js:149:13)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ].join('\n');
  }
  if (tier === 'data') {
    const fn = `${method.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_fn`;
    if (isKeyValueStore(service)) {
      return [
        `ERR user_script:${line('l', 3, 40)}: Script attempted to access a nil value: ${message}`,
        `script: ${hash32(0, 'sha', service, version).toString(16).padStart(8, '0')}, on @user_script:${line('l', 3, 40)}.`,
      ].join('\n');
    }
    return [
      `ERROR:  ${message}`,
      `DETAIL:  Failing row contains (${line('row', 1000, 9000)}, null, ${line('q', 1, 9)}).`,
      `CONTEXT:  PL/pgSQL function ${fn}() line ${line('pl', 5, 60)} at SQL statement`,
      `STATEMENT:  ${operation}`,
    ].join('\n');
  }
  const pkg = `com.aidpe.shop.${service.replace(/[^a-z0-9]+/g, '')}`;
  return [
    `${exceptionClass}: ${message}`,
    `\tat ${pkg}.${cls}Service.${method}(${cls}Service.java:${line('s', 40, 260)})`,
    `\tat ${pkg}.${cls}Service.${method}Internal(${cls}Service.java:${line('i', 20, 120)})`,
    `\tat ${pkg}.grpc.${cls}GrpcHandler.${method}(${cls}GrpcHandler.java:${line('g', 30, 90)})`,
    '\tat io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose(ServerCalls.java:182)',
    '\tat io.grpc.internal.ServerImpl$JumpToApplicationThread$1HalfClosed.runInContext(ServerImpl.java:355)',
    '\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)',
    '\tat java.base/java.lang.Thread.run(Thread.java:833)',
  ].join('\n');
}

/** A benign, caught exception's short trace (healthy services print these routinely). */
export function benignStackTrace(tier: ServiceTier, service: string): string {
  if (tier === 'gateway') {
    return [
      'Error: socket hang up',
      '    at connResetException (node:internal/errors:720:14)',
      '    at Socket.socketOnEnd (node:_http_client:525:23)',
    ].join('\n');
  }
  const pkg = `com.aidpe.shop.${service.replace(/[^a-z0-9]+/g, '')}`;
  return [
    'java.net.SocketException: Connection reset',
    '\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)',
    '\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)',
    `\tat ${pkg}.client.PooledConnection.read(PooledConnection.java:88)`,
  ].join('\n');
}
