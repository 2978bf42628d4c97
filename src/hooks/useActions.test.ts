import { act, renderHook, waitFor } from '@testing-library/react';
import { listActions } from '../api/sidecarClient';
import type { ActionListQuery } from '../api/types';
import { actionRecord, automationStatus } from '../test/actionFixtures';
import { useActions } from './useActions';

jest.mock('../api/sidecarClient', () => ({ listActions: jest.fn() }));

const listMock = jest.mocked(listActions);
const answer = { actions: [actionRecord()], automation: automationStatus() };

beforeEach(() => {
  jest.resetAllMocks();
  listMock.mockResolvedValue(answer);
});

afterEach(() => {
  jest.useRealTimers();
});

test('loads once per distinct query; an equal new object does not reload', async () => {
  const { result, rerender } = renderHook(({ query }: { query: ActionListQuery }) => useActions(query), {
    initialProps: { query: { service: 'frontend', limit: 10 } },
  });
  expect(result.current.loading).toBe(true);
  await waitFor(() => expect(result.current.list).toEqual(answer));
  expect(result.current.loading).toBe(false);
  rerender({ query: { service: 'frontend', limit: 10 } });
  rerender({ query: { service: 'checkout', limit: 10 } });
  await waitFor(() => expect(listMock).toHaveBeenCalledTimes(2));
  expect(listMock).toHaveBeenLastCalledWith({ service: 'checkout', limit: 10 });
});

test('a failure keeps the last list and says why; the next success clears the error', async () => {
  const { result } = renderHook(() => useActions({}));
  await waitFor(() => expect(result.current.list).toEqual(answer));
  listMock.mockRejectedValueOnce({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
  act(() => result.current.reload());
  await waitFor(() =>
    expect(result.current.error).toMatch(/^HTTP 502: Bad Gateway\. The AIDPE sidecar cannot be reached/)
  );
  expect(result.current.list).toEqual(answer);
  act(() => result.current.reload());
  await waitFor(() => expect(result.current.error).toBeUndefined());
  expect(listMock).toHaveBeenCalledTimes(3);
});

test('reloads every refreshSeconds, and stops when unmounted', async () => {
  jest.useFakeTimers();
  const { unmount } = renderHook(() => useActions({}, 30));
  await act(async () => {});
  expect(listMock).toHaveBeenCalledTimes(1);
  await act(async () => {
    jest.advanceTimersByTime(30_000);
  });
  expect(listMock).toHaveBeenCalledTimes(2);
  unmount();
  await act(async () => {
    jest.advanceTimersByTime(60_000);
  });
  expect(listMock).toHaveBeenCalledTimes(2);
});
